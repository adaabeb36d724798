import { exports } from "cloudflare:workers";
import type { ExpectStatic } from "vitest";

export const ADMIN = {
  Authorization: "Bearer test-admin-token-of-at-least-32-chars",
};

/** Calls the real Worker (the default export) as a client would. */
export function api(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`https://example.com${path}`, init));
}

/** Calls the Worker as the admin, with no body. */
export function asAdmin(method: string, path: string): Promise<Response> {
  return api(path, { method, headers: ADMIN });
}

export function postJson(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return api(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function errorCode(response: Response): Promise<string> {
  const body = await response.json<{ error: { code: string } }>();
  return body.error.code;
}

/** Insists on the error envelope with this status and code. */
export async function expectError(
  expect: ExpectStatic,
  res: Response,
  status: number,
  code: string,
): Promise<void> {
  expect(res.status).toBe(status);
  expect(await errorCode(res)).toBe(code);
}

export const uniqueName = (prefix: string) =>
  `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
