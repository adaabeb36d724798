import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import type { ExpectStatic } from "vitest";
import { app } from "../../src/app";
import { audienceOf, issuerOf } from "../../src/identity/session-token";
import { roomExists } from "./chat-client";
import { ADMIN } from "./http";

export const SECRET = "verified-mode-test-secret-0123456789";

/** The production identity configuration, over the test's real bindings. */
export const VERIFIED = { IDENTITY_MODE: "verified", SESSION_SECRET: SECRET };

export type IdentityConfig = Partial<
  Pick<
    Env,
    "IDENTITY_MODE" | "SESSION_SECRET" | "ACCESS_TEAM_DOMAIN" | "ACCESS_AUD"
  >
>;

/** The real app with its real bindings and another identity configuration. */
export function callAs(
  path: string,
  init: RequestInit = {},
  config: IdentityConfig = VERIFIED,
): Promise<Response> {
  return Promise.resolve(
    app.fetch(
      new Request(`https://example.com${path}`, init),
      { ...env, ...config },
      createExecutionContext(),
    ),
  );
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export function postMessage(
  room: string,
  body: unknown,
  headers: Record<string, string> = {},
  config?: IdentityConfig,
) {
  return callAs(
    `/api/rooms/${room}/messages`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    },
    config,
  );
}

export function upgradeAs(
  room: string,
  user: string,
  headers: Record<string, string> = {},
  config?: IdentityConfig,
) {
  return callAs(
    `/api/rooms/${room}/websocket?user=${encodeURIComponent(user)}`,
    { headers: { Upgrade: "websocket", ...headers } },
    config,
  );
}

/** A credential from the mint route, as a team's login would get it. */
export async function mint(
  expect: ExpectStatic,
  user: string,
): Promise<{ token: string; expiresAt: number; cookie: string }> {
  const res = await callAs("/api/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...ADMIN },
    body: JSON.stringify({ user }),
  });
  expect(res.status).toBe(201);
  const cookie = res.headers.get("Set-Cookie") ?? "";
  const body = await res.json<{ token: string; expiresAt: number }>();
  return { ...body, cookie };
}

/** A token with the default claims for `user`, any of them overridden, signed as told. */
export function forge(
  user: string,
  claims: Record<string, unknown> = {},
  { secret = SECRET, alg = "HS256" as const } = {},
): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return sign(
    {
      sub: user,
      iss: issuerOf(env.DEPLOYMENT),
      aud: audienceOf(env.DEPLOYMENT),
      iat,
      exp: iat + 60,
      ...claims,
    },
    secret,
    alg,
  );
}

/** 401 with the envelope and the challenge, and the room never touched. */
export async function expectUnauthorized(
  expect: ExpectStatic,
  res: Response,
  room: string,
) {
  const body = await res.json<{ error: { code: string; message: string } }>();
  expect(res.status, body.error.message).toBe(401);
  expect(body.error.code).toBe("unauthorized");
  expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
  expect(await roomExists(room)).toBe(false);
}
