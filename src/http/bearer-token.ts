import type { Context } from "hono";
import type { AppEnv } from "./app-env";

/** The auth scheme is case-insensitive (RFC 9110); the token itself is compared exactly. */
export function bearerToken(c: Context<AppEnv>): string | undefined {
  return /^Bearer +(\S+) *$/i.exec(c.req.header("Authorization") ?? "")?.[1];
}
