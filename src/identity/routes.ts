import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../http/errors";
import { checkAdmin, isAdmin } from "../http/middleware/admin-auth";
import { createRouter } from "../http/router";
import { callObject } from "../http/object-call";
import {
  bodyErrors,
  commonErrors,
  documentedError,
  empty,
  json,
  PUBLIC,
  unauthorizedError,
  type Header,
} from "../http/openapi";
import { hashHoldSecret, holdSecretOf, newHoldSecret } from "./hold-secret";
import {
  endSession,
  identitySetup,
  misconfigured,
  requireSigner,
  startSession,
  type IdentityMode,
} from "./identity";
import { User } from "./schemas";
import { userKey } from "./user-name";

const HoldSecret = z.string().min(1).max(256).openapi({
  description: "The hold secret from an earlier claim: renews that hold",
});

const Session = z
  .object({
    user: z.string(),
    token: z.string(),
    expiresAt: z.int(),
    hold: z
      .object({ secret: z.string(), expiresAt: z.int() })
      .optional()
      .openapi({
        description:
          "Absent when the admin token minted without a hold. Keep the secret: it renews and releases the name",
      }),
  })
  .openapi("Session");

/** The cookie the page's WebSocket sends: one per name key (`sessionCookieName`). */
const SESSION_COOKIE_HEADER = {
  "Set-Cookie": {
    description:
      "`__Host-session_<base64url of the name's key>=<token>; Path=/; Secure; HttpOnly; SameSite=Strict` over HTTPS; over plain HTTP without the prefix and Secure, with `Path=/api/rooms`",
    required: true,
    schema: { type: "string", pattern: "^(__Host-)?session_[A-Za-z0-9_-]+=" },
  },
} as const satisfies Record<string, Header>;

/** How long a hold lasts without a renewal: NAME_HOLD_HOURS, 24 unless configured. */
function lapseMs(env: Env): number {
  const hours = Number(env.NAME_HOLD_HOURS);
  return (Number.isFinite(hours) && hours > 0 ? hours : 24) * 3_600_000;
}

/** How this deployment knows who a chat user is; claiming, renewing and releasing names. */
export const sessions = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/identity",
      operationId: "getIdentityMode",
      ...PUBLIC,
      summary: "How acting as a chat user works here",
      responses: {
        200: json(
          z
            .object({ mode: z.enum(["open", "verified", "access"]) })
            .openapi("IdentityMode"),
          '"open": the claimed user is trusted; "verified": claim a name (POST /api/sessions); "access": Cloudflare Access names the user',
        ),
        ...commonErrors,
      },
    }),
    (c) => {
      // A misconfigured deployment refuses user actions, as a verified one without a credential.
      const setup = identitySetup(c.env).mode;
      const mode: IdentityMode =
        setup === "open" || setup === "access" ? setup : "verified";
      return c.json({ mode }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/sessions",
      operationId: "createSession",
      summary:
        "Claim or renew a user name and get a credential for it (the admin token mints for any name without a hold)",
      security: [{}, { bearer: [] }] as Record<string, string[]>[],
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .strictObject({ user: User, hold: HoldSecret.optional() })
                .openapi("NewSession"),
              example: { user: "ada" },
            },
          },
        },
      },
      responses: {
        201: json(
          Session,
          "The credential: send it as Authorization: Bearer <token>; the page's WebSocket uses the HttpOnly cookie set alongside",
          SESSION_COOKIE_HEADER,
        ),
        ...unauthorizedError("A bearer token that is not the admin token"),
        403: documentedError(
          "This deployment names users through Cloudflare Access",
          ["forbidden"],
        ),
        409: documentedError("Someone else holds this name", ["name_taken"]),
        ...bodyErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const { user, hold } = c.req.valid("json");
      const setup = identitySetup(c.env);
      if (setup.mode === "access") throw accessHasNoClaims();
      if (await isAdmin(c)) {
        const { token, expiresAt } = await startSession(c, user);
        return c.json({ user, token, expiresAt }, 201);
      }
      if (setup.mode === "misconfigured") throw misconfigured(c, setup.reason);
      requireSigner(c);
      // A renewal proves the hold with its secret; a new hold keeps the hash of a fresh one (or
      // of the one given, when the hold it proved has lapsed meanwhile).
      const secret = hold ?? newHoldSecret();
      const secretHash = await hashHoldSecret(secret);
      const held = await callObject(
        c,
        c.env.NAME_HOLD,
        userKey(user),
        (stub) =>
          stub.claim({
            user,
            secretHash,
            ...(hold === undefined ? {} : { proofHash: secretHash }),
            lapseMs: lapseMs(c.env),
          }),
        { idempotent: false },
      );
      const { token, expiresAt } = await startSession(
        c,
        held.user,
        held.holdId,
      );
      return c.json(
        {
          user: held.user,
          token,
          expiresAt,
          hold: { secret, expiresAt: held.expiresAt },
        },
        201,
      );
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/sessions/{user}",
      operationId: "releaseSession",
      summary:
        "Release a held name (Authorization: Hold <secret>, or the admin token for any name)",
      security: [{ hold: [] }, { bearer: [] }] as Record<string, string[]>[],
      request: {
        params: z.object({
          user: User.openapi({
            param: { name: "user", in: "path", example: "ada" },
          }),
        }),
      },
      responses: {
        204: empty("Released: the name is free and its object holds nothing"),
        401: documentedError(
          "Neither a hold secret nor the admin token",
          ["unauthorized"],
          {
            "WWW-Authenticate": {
              description: "Hold, or Bearer when a wrong admin token was sent",
              required: true,
              schema: { type: "string", pattern: "^(Hold|Bearer)" },
            },
          },
        ),
        403: documentedError("The secret does not hold this name", [
          "forbidden",
        ]),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { user } = c.req.valid("param");
      const secret = holdSecretOf(c.req.header("Authorization"));
      if (secret === undefined) {
        if (bearerGiven(c.req.header("Authorization"))) {
          await checkAdmin(c);
        } else {
          throw new ApiError(
            401,
            "unauthorized",
            "send Authorization: Hold <secret> from the claim, or the admin token",
            { "WWW-Authenticate": "Hold" },
          );
        }
      }
      const proofHash =
        secret === undefined ? undefined : await hashHoldSecret(secret);
      await callObject(
        c,
        c.env.NAME_HOLD,
        userKey(user),
        (stub) =>
          stub.release(
            proofHash === undefined ? { admin: true } : { proofHash },
          ),
        { idempotent: true },
      );
      endSession(c, user);
      return c.body(null, 204);
    },
  );

const bearerGiven = (authorization: string | undefined) =>
  /^Bearer /i.test(authorization ?? "");

const accessHasNoClaims = () =>
  new ApiError(
    403,
    "forbidden",
    "this deployment names users through Cloudflare Access: there are no names to claim",
  );
