import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

/**
 * Parses a JSON body once, up front, so malformed JSON is `invalid_json` on every route; the
 * route validators then read the parsed value from Hono's body cache.
 */
export const parseJson = createMiddleware<AppEnv>(async (c, next) => {
  if (
    /^application\/([\w.-]+\+)?json\b/i.test(c.req.header("Content-Type") ?? "")
  ) {
    try {
      await c.req.json();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(
        400,
        "invalid_json",
        "the request body is not valid JSON",
      );
    }
  }
  return next();
});
