import { errorBody } from "../shared/error-body";
import { cleanUser } from "../identity/user-name";
import { MAX_SOCKETS_PER_USER, parseId } from "./protocol";

/** What a WebSocket upgrade asks the room for: who joins, and the message id to resume after. */
export type Upgrade = { user: string; after: number | undefined };

/** The upgrade `request` asks for, or the answer refusing it. */
export function readUpgrade(request: Request): Upgrade | Response {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    return refuseUpgrade(426, "upgrade_required", "expected a WebSocket");
  }
  const query = new URL(request.url).searchParams;
  const user = cleanUser(query.get("user"));
  const afterParam = query.get("after");
  const after = afterParam === null ? undefined : parseId(afterParam);
  if (user === null || after === null) {
    return refuseUpgrade(400, "invalid_request", "bad user or after");
  }
  return { user, after };
}

/** The answer to a user who already holds MAX_SOCKETS_PER_USER sockets in the room. */
export function tooManySockets(): Response {
  return refuseUpgrade(
    429,
    "too_many_connections",
    `a user may hold at most ${MAX_SOCKETS_PER_USER} sockets in a room; close one first`,
    { "Retry-After": "10" },
  );
}

/** The answer to a fetch that is not a WebSocket upgrade the room can take. */
function refuseUpgrade(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json(errorBody(code, message), { status, headers });
}
