import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { bearerToken } from "../bearer-token";
import { ApiError } from "../errors";
import type { AppEnv } from "../app-env";
import { isLoopback } from "../loopback";
import { logLine } from "../log";

/**
 * Admin routes need `Authorization: Bearer <API_TOKEN>`. Fails closed: with no token configured,
 * every admin request is refused. The one exception is local development: `npm run dev` sets
 * `ADMIN_AUTH` to "disabled" on the command line (never in wrangler.jsonc), and even then only
 * requests addressed to a loopback host skip the check, so a deployed Worker given that value
 * by mistake still refuses.
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  await checkAdmin(c);
  return next();
});

/** Throws 401 unless the request carries the admin token (or is local dev on loopback). */
export async function checkAdmin(c: Context<AppEnv>): Promise<void> {
  if (
    c.env.ADMIN_AUTH === "disabled" &&
    isLoopback(c.req.url, c.req.header("CF-Connecting-IP"))
  )
    return;
  const expected = adminToken(c.env);
  if (expected === undefined) {
    logLine("error", {
      event: "admin_token_missing",
      requestId: c.get("requestId"),
      message: `API_TOKEN is not set or shorter than ${MIN_TOKEN_CHARS} characters, so admin routes are refused: wrangler secret put API_TOKEN`,
    });
    throw unauthorized();
  }
  const given = bearerToken(c);
  if (given === undefined || !(await sameSecret(given, expected))) {
    throw unauthorized();
  }
}

/** A guessable admin token is as good as none: shorter ones count as missing. */
export const MIN_TOKEN_CHARS = 32;

function adminToken(env: Env): string | undefined {
  const token = env.API_TOKEN;
  return typeof token === "string" && token.length >= MIN_TOKEN_CHARS
    ? token
    : undefined;
}

/**
 * For a route that anyone may call and an admin may call with more power: true with a valid
 * admin bearer token, false with no bearer token, 401 with a wrong one (never silently less).
 */
export async function isAdmin(c: Context<AppEnv>): Promise<boolean> {
  if (bearerToken(c) === undefined) return false;
  await checkAdmin(c);
  return true;
}

const unauthorized = () =>
  new ApiError(
    401,
    "unauthorized",
    "admin route: send Authorization: Bearer <API_TOKEN>",
    { "WWW-Authenticate": "Bearer" },
  );

/** Constant-time comparison; hashing first makes the lengths equal without leaking them. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all(
    [given, expected].map((value) =>
      crypto.subtle.digest("SHA-256", encoder.encode(value)),
    ),
  );
  return crypto.subtle.timingSafeEqual(a!, b!);
}

/** What an admin route declares: the check, and the bearer scheme in the OpenAPI document. */
export const adminOnly = {
  middleware: requireAdmin,
  security: [{ bearer: [] }],
};
