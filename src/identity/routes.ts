import { createRoute, z } from "@hono/zod-openapi";
import { adminOnly } from "../http/middleware/admin-auth";
import { createRouter } from "../http/router";
import { identitySetup, startSession, type IdentityMode } from "./identity";
import {
  adminErrors,
  bodyErrors,
  commonErrors,
  json,
  PUBLIC,
  type Header,
} from "../http/openapi";
import { User } from "./schemas";

/** The cookie the page's WebSocket sends: one per user name (`sessionCookieName`). */
const SESSION_COOKIE_HEADER = {
  "Set-Cookie": {
    description:
      "`session_<base64url of the UTF-8 user name, unpadded>=<token>; Path=/api/rooms; HttpOnly; SameSite=Strict`, `Secure` over HTTPS",
    required: true,
    schema: { type: "string", pattern: "^session_[A-Za-z0-9_-]+=" },
  },
} as const satisfies Record<string, Header>;

/** How this deployment knows who a chat user is, and the route that mints its credentials. */
export const sessions = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/identity",
      operationId: "getIdentityMode",
      ...PUBLIC,
      summary: "Whether acting as a chat user needs a credential here",
      responses: {
        200: json(
          z
            .object({ mode: z.enum(["open", "verified"]) })
            .openapi("IdentityMode"),
          '"open": the claimed user is trusted; "verified": a session credential is needed',
        ),
        ...commonErrors,
      },
    }),
    (c) => {
      // A misconfigured deployment refuses user actions, as a verified one without a credential.
      const mode: IdentityMode =
        identitySetup(c.env).mode === "open" ? "open" : "verified";
      return c.json({ mode }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/sessions",
      operationId: "createSession",
      summary:
        "Mint a short-lived session credential for a user name (admin; local dev: open)",
      ...adminOnly,
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.strictObject({ user: User }).openapi("NewSession"),
              example: { user: "ada" },
            },
          },
        },
      },
      responses: {
        201: json(
          z
            .object({ user: z.string(), token: z.string(), expiresAt: z.int() })
            .openapi("Session"),
          "The credential: send it as Authorization: Bearer <token>; the page's WebSocket uses the HttpOnly cookie set alongside",
          SESSION_COOKIE_HEADER,
        ),
        ...adminErrors,
        ...bodyErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { user } = c.req.valid("json");
      const { token, expiresAt } = await startSession(c, user);
      return c.json({ user, token, expiresAt }, 201);
    },
  );
