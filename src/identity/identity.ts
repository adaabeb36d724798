import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { bearerToken } from "../http/bearer-token";
import { ApiError } from "../http/errors";
import type { AppEnv } from "../http/app-env";
import {
  mintSessionToken,
  SESSION,
  verifySessionToken,
  type SessionToken,
} from "./session-token";
import { logLine } from "../http/log";

/**
 * The one place a request becomes a user. Every route that acts as a user calls `identify`
 * before it touches an object, and hands the object the name it returns; objects never see a
 * credential. To use another login (Cloudflare Access, an OAuth provider), change `identify`
 * and `credentialOf` here: see docs/identity.md.
 */
export type Identity = { user: string };

export type IdentityMode = "open" | "verified";

type Setup =
  | { mode: "open" }
  | { mode: "verified"; secret: string }
  | { mode: "misconfigured"; reason: string };

/** IDENTITY_MODE from configuration; anything but a complete "open" or "verified" fails closed. */
export function identitySetup(env: Env): Setup {
  if (env.IDENTITY_MODE === "open") return { mode: "open" };
  if (env.IDENTITY_MODE !== "verified") {
    return {
      mode: "misconfigured",
      reason: `IDENTITY_MODE is ${JSON.stringify(env.IDENTITY_MODE ?? null)}, not "open" or "verified"`,
    };
  }
  const secret = signingSecret(env);
  if (secret === undefined) {
    return {
      mode: "misconfigured",
      reason: `SESSION_SECRET is missing or shorter than ${SESSION.minSecretChars} characters: wrangler secret put SESSION_SECRET`,
    };
  }
  return { mode: "verified", secret };
}

/**
 * The user a request may act as. Open mode trusts the claimed name (local development);
 * verified mode needs a credential for exactly that name, else 401.
 */
export async function identify(
  c: Context<AppEnv>,
  claimed: string,
): Promise<Identity> {
  const setup = identitySetup(c.env);
  if (setup.mode === "open") return { user: claimed };
  if (setup.mode === "misconfigured") throw misconfigured(c, setup.reason);
  const token = credentialOf(c, claimed);
  if (token === undefined) {
    throw unauthorized(
      "acting as a user needs a session credential: Authorization: Bearer <token> (see POST /api/sessions)",
    );
  }
  const verified = await verifySessionToken(setup.secret, token);
  if ("problem" in verified) throw unauthorized(verified.problem);
  if (verified.user !== claimed) {
    throw unauthorized("the credential is for another user");
  }
  return { user: verified.user };
}

/**
 * Mints a credential for `user`: in the response body for API clients, and as a cookie for the
 * page's WebSocket (browsers cannot set headers on one). Callers check the admin token first.
 */
export async function startSession(
  c: Context<AppEnv>,
  user: string,
): Promise<SessionToken> {
  const secret = signingSecret(c.env);
  if (secret === undefined) {
    throw misconfigured(
      c,
      "SESSION_SECRET is missing or too short, so no credential can be minted",
    );
  }
  const session = await mintSessionToken(secret, user);
  setCookie(c, sessionCookieName(user), session.token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/api/rooms",
    maxAge: SESSION.lifetimeS,
  });
  return session;
}

/** The request an object may see: the credentials are the Worker's business only. */
export function withoutCredentials(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete("Authorization");
  copy.delete("Cookie");
  return copy;
}

/**
 * A bearer token, or on a WebSocket upgrade the cookie for the claimed name. The cookie is read
 * only there: a cross-site page cannot open the socket (Origin is checked first, and the cookie
 * is SameSite=Strict), and no HTTP route reads it, so it cannot be used for request forgery.
 */
function credentialOf(c: Context<AppEnv>, claimed: string): string | undefined {
  const bearer = bearerToken(c);
  if (bearer !== undefined) return bearer;
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return undefined;
  return getCookie(c, sessionCookieName(claimed));
}

/** One cookie per name, so two tabs with two names do not overwrite each other's credential. */
export function sessionCookieName(user: string): string {
  const bytes = new TextEncoder().encode(user);
  const base64 = btoa(String.fromCharCode(...bytes));
  return `session_${base64.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "")}`;
}

function signingSecret(env: Env): string | undefined {
  const secret = env.SESSION_SECRET;
  return typeof secret === "string" && secret.length >= SESSION.minSecretChars
    ? secret
    : undefined;
}

const unauthorized = (message: string) =>
  new ApiError(401, "unauthorized", message, { "WWW-Authenticate": "Bearer" });

function misconfigured(c: Context<AppEnv>, reason: string): ApiError {
  logLine("error", {
    event: "identity_misconfigured",
    requestId: c.get("requestId"),
    message: `${reason}; user actions are refused`,
  });
  return new ApiError(
    503,
    "unavailable",
    "user identity is not configured on this deployment",
    { "Retry-After": "60" },
  );
}
