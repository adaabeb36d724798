import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { bearerToken } from "../http/bearer-token";
import { ApiError } from "../http/errors";
import type { AppEnv } from "../http/app-env";
import { callObject } from "../http/object-call";
import { logLine } from "../http/log";
import { ACCESS_HEADER, verifyAccessToken } from "./access-token";
import {
  mintSessionToken,
  SESSION,
  verifySessionToken,
  type Deployment,
  type SessionToken,
} from "./session-token";
import { parseUser, userKey } from "./user-name";

/**
 * The one place a request becomes a user. Every route that acts as a user calls `identify`
 * before it touches a room, and hands the room the name it returns; rooms never see a
 * credential. docs/identity.md explains the three modes and how to put another login in front.
 */
export type Identity = { user: string };

export type IdentityMode = "open" | "verified" | "access";

export type Setup =
  | { mode: "open" }
  | ({ mode: "verified" } & Deployment)
  | { mode: "access"; teamDomain: string; audience: string }
  | { mode: "misconfigured"; reason: string };

/** IDENTITY_MODE and what it needs from configuration; anything incomplete fails closed. */
export function identitySetup(env: Env): Setup {
  const mode = env.IDENTITY_MODE as string | undefined;
  if (mode === "open") return { mode: "open" };
  if (mode === "access") {
    const teamDomain = env.ACCESS_TEAM_DOMAIN ?? "";
    const audience = env.ACCESS_AUD ?? "";
    if (teamDomain === "" || audience === "") {
      return {
        mode: "misconfigured",
        reason:
          "IDENTITY_MODE is access but ACCESS_TEAM_DOMAIN or ACCESS_AUD is empty",
      };
    }
    return { mode: "access", teamDomain, audience };
  }
  if (mode !== "verified") {
    return {
      mode: "misconfigured",
      reason: `IDENTITY_MODE is ${JSON.stringify(mode ?? null)}, not "open", "verified" or "access"`,
    };
  }
  const signer = signing(env);
  if ("problem" in signer)
    return { mode: "misconfigured", reason: signer.problem };
  return { mode: "verified", ...signer };
}

/** Throws 503 unless credentials can be signed here: checked before a claim takes a hold. */
export function requireSigner(c: Context<AppEnv>): void {
  const signer = signing(c.env);
  if ("problem" in signer) {
    throw misconfigured(c, `${signer.problem}, so no credential can be minted`);
  }
}

/** The secret and the deployment name credentials are signed with, in any mode. */
function signing(env: Env): Deployment | { problem: string } {
  const secret = env.SESSION_SECRET as string | undefined;
  if (typeof secret !== "string" || secret.length < SESSION.minSecretChars) {
    return {
      problem: `SESSION_SECRET is missing or shorter than ${SESSION.minSecretChars} characters: wrangler secret put SESSION_SECRET`,
    };
  }
  const deployment = env.DEPLOYMENT as string | undefined;
  if (!deployment) return { problem: "DEPLOYMENT is empty" };
  return { secret, deployment };
}

export type IdentifyOptions = {
  /** Only the WebSocket route reads the cookie: browsers cannot set headers on a socket. */
  cookie?: boolean;
};

/**
 * The user a request may act as, in the display form to store and show. Open mode trusts the
 * claimed name; verified mode needs a credential for the same name (by key: `Ada` and `ada` are
 * one name) whose hold is still current; access mode needs the Access token of that person.
 */
export async function identify(
  c: Context<AppEnv>,
  claimed: string,
  { cookie = false }: IdentifyOptions = {},
): Promise<Identity> {
  const setup = identitySetup(c.env);
  if (setup.mode === "open") return { user: claimed };
  if (setup.mode === "misconfigured") throw misconfigured(c, setup.reason);
  if (setup.mode === "access") return identifyByAccess(c, setup, claimed);
  const token = credentialOf(c, claimed, cookie);
  if (token === undefined) {
    throw unauthorized(
      "acting as a user needs a session credential: Authorization: Bearer <token> (see POST /api/sessions)",
    );
  }
  const verified = await verifySessionToken(setup, token);
  if ("problem" in verified) throw unauthorized(verified.problem);
  if (userKey(verified.user) !== userKey(claimed)) {
    throw unauthorized("the credential is for another user");
  }
  if (verified.holdId !== undefined) {
    const { holdId } = verified;
    const current = await callObject(
      c,
      c.env.NAME_HOLD,
      userKey(verified.user),
      (stub) => stub.isHeldBy({ holdId }),
      { idempotent: true },
    );
    if (!current) {
      throw unauthorized(
        "the name's hold was released or has lapsed; claim the name again",
      );
    }
  }
  return { user: verified.user };
}

async function identifyByAccess(
  c: Context<AppEnv>,
  app: { teamDomain: string; audience: string },
  claimed: string,
): Promise<Identity> {
  const token = c.req.header(ACCESS_HEADER);
  if (token === undefined) {
    throw unauthorized("sign in through Cloudflare Access");
  }
  const verified = await verifyAccessToken(app, token);
  if ("problem" in verified) throw unauthorized(verified.problem);
  const name = parseUser(verified.user);
  if ("problem" in name) {
    throw new ApiError(
      403,
      "forbidden",
      `the Access identity is not a usable chat name: it ${name.problem}`,
    );
  }
  if (name.key !== userKey(claimed)) {
    throw unauthorized(`signed in through Access as ${name.display}`);
  }
  return { user: name.display };
}

/**
 * Mints a credential for `user`: in the response body for API clients, and as a cookie for the
 * page's WebSocket. Callers decide who may have it (a hold, or the admin token).
 */
export async function startSession(
  c: Context<AppEnv>,
  user: string,
  holdId?: string,
): Promise<SessionToken> {
  const signer = signing(c.env);
  if ("problem" in signer) {
    throw misconfigured(c, `${signer.problem}, so no credential can be minted`);
  }
  const session = await mintSessionToken(
    signer,
    user,
    holdId === undefined ? {} : { holdId },
  );
  const secure = isHttps(c);
  setCookie(c, sessionCookieName(user), session.token, {
    httpOnly: true,
    sameSite: "Strict",
    maxAge: SESSION.lifetimeS,
    // Over HTTPS the __Host- prefix: Secure, no Domain, Path=/, so no sibling subdomain can set
    // or overwrite it. Plain HTTP (local dev) cannot carry the prefix.
    ...(secure
      ? { prefix: "host" as const, path: "/" }
      : { path: "/api/rooms" }),
  });
  return session;
}

/** Forgets the browser's credential for `user` (the hold is gone). */
export function endSession(c: Context<AppEnv>, user: string): void {
  deleteCookie(
    c,
    sessionCookieName(user),
    isHttps(c)
      ? { prefix: "host", path: "/", secure: true }
      : { path: "/api/rooms" },
  );
}

/** The request a room may see: the credentials are the Worker's business only. */
export function withoutCredentials(headers: Headers): Headers {
  const copy = new Headers(headers);
  copy.delete("Authorization");
  copy.delete("Cookie");
  copy.delete(ACCESS_HEADER);
  return copy;
}

/**
 * A bearer token, or on the WebSocket route the cookie for the claimed name. The cookie is read
 * only there, after the Origin check (a cross-site page cannot open the socket, and the cookie
 * is SameSite=Strict), and no HTTP route reads it, so it cannot be used for request forgery.
 */
function credentialOf(
  c: Context<AppEnv>,
  claimed: string,
  cookie: boolean,
): string | undefined {
  const bearer = bearerToken(c);
  if (bearer !== undefined || !cookie) return bearer;
  const name = sessionCookieName(claimed);
  return isHttps(c) ? getCookie(c, name, "host") : getCookie(c, name);
}

/** One cookie per name (by key), so two tabs with two names do not overwrite each other's. */
export function sessionCookieName(user: string): string {
  const bytes = new TextEncoder().encode(userKey(user));
  const base64 = btoa(String.fromCharCode(...bytes));
  return `session_${base64.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "")}`;
}

const isHttps = (c: Context<AppEnv>) =>
  new URL(c.req.url).protocol === "https:";

export const unauthorized = (message: string) =>
  new ApiError(401, "unauthorized", message, { "WWW-Authenticate": "Bearer" });

export function misconfigured(c: Context<AppEnv>, reason: string): ApiError {
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
