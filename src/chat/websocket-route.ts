import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { ApiError } from "../http/errors";
import type { AppEnv } from "../http/app-env";
import { createRouter } from "../http/router";
import { identify, withoutCredentials } from "../identity/identity";
import { callObject } from "../http/object-call";
import { isAllowedOrigin } from "../http/origins";
import {
  commonErrors,
  documentedError,
  empty,
  unauthorizedError,
} from "../http/openapi";
import { User } from "../identity/schemas";
import { MessageId, Params, userCredential } from "./schemas";

const LOCATION_HINTS = [
  "wnam",
  "enam",
  "sam",
  "weur",
  "eeur",
  "apac",
  "oc",
  "afr",
  "me",
] as const satisfies readonly DurableObjectLocationHint[];

// Not strict: browser WebSocket libraries add their own query parameters.
const JoinQuery = z.object({
  user: User,
  after: MessageId.optional().openapi({
    description: "the welcome carries the messages after this id",
  }),
  location: z.enum(LOCATION_HINTS).optional().openapi({
    description:
      "where to create the room; only matters the first time the room is created",
  }),
});

/** Checked before the validators, so a plain GET learns it needs an upgrade first. */
const requireUpgrade = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(
      426,
      "upgrade_required",
      "this route needs a WebSocket upgrade (Upgrade: websocket)",
      { Upgrade: "websocket" },
    );
  }
  return next();
});

/** Joining a room: the upgrade is checked and the user identified here, then handed to the room. */
export const roomWebSocket = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/{room}/websocket",
    operationId: "joinRoom",
    summary: "Join a room over a WebSocket (see docs/chat-protocol.md)",
    middleware: [requireUpgrade] as const,
    request: { params: Params, query: JoinQuery },
    security: userCredential(["bearer", "sessionCookie"]),
    responses: {
      101: empty("Switching Protocols: the socket is open"),
      ...unauthorizedError(
        "Verified mode: no valid session credential for this user",
      ),
      403: documentedError("Origin not allowed", ["forbidden"]),
      426: documentedError("Not a WebSocket upgrade request", [
        "upgrade_required",
      ]),
      ...commonErrors,
    },
  }),
  async (c) => {
    const { room } = c.req.valid("param");
    const { user: claimed, after, location } = c.req.valid("query");
    const origin = c.req.header("Origin");
    if (origin !== undefined && !isAllowedOrigin(origin, c.req.url, c.env)) {
      throw new ApiError(
        403,
        "forbidden",
        "this Origin may not open sockets here; see ALLOWED_ORIGINS",
      );
    }
    const { user } = await identify(c, claimed, { cookie: true });
    // The object reads the verified name from the query this Worker writes, never the
    // client's, and gets no credentials. Not retried: a failed attempt may still have
    // joined, and the client reconnects anyway.
    const target = new URL(c.req.url);
    target.search = new URLSearchParams({
      user,
      ...(after === undefined ? {} : { after: String(after) }),
    }).toString();
    const upgraded = await callObject(
      c,
      c.env.CHAT_ROOM,
      room,
      (stub) =>
        stub.fetch(
          new Request(target, {
            headers: withoutCredentials(c.req.raw.headers),
          }),
        ),
      { idempotent: false, ...(location ? { locationHint: location } : {}) },
    );
    // Rebuilt: a fetched response's headers are immutable, and Hono only adds the headers it
    // prepared (X-Request-Id) to responses it builds itself. The middleware adds the rest.
    const headers = new Headers(upgraded.headers);
    headers.set("X-Request-Id", c.get("requestId"));
    return new Response(upgraded.body, {
      status: upgraded.status,
      webSocket: upgraded.webSocket,
      headers,
    });
  },
);
