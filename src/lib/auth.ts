import { createMiddleware } from "hono/factory";
import { ApiError } from "./errors";
import type { AppEnv } from "./hono-env";

/**
 * Admin routes need `Authorization: Bearer <API_TOKEN>`. Fails closed: with no token configured,
 * every admin request is refused, unless `ADMIN_AUTH` is "disabled", which only `npm run dev`
 * sets (on the command line, never in wrangler.jsonc), so a deployed Worker cannot be open.
 */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.ADMIN_AUTH === "disabled") return next();
  const expected = c.env.API_TOKEN;
  const given = /^Bearer (.+)$/.exec(c.req.header("Authorization") ?? "")?.[1];
  if (
    !expected ||
    given === undefined ||
    !(await sameSecret(given, expected))
  ) {
    throw new ApiError(
      401,
      "unauthorized",
      "admin route: send Authorization: Bearer <API_TOKEN>",
      {
        "WWW-Authenticate": "Bearer",
      },
    );
  }
  return next();
});

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
