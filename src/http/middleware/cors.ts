import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { isAllowedOrigin } from "../origins";

const allowOrigins = cors({
  // The same allow list as the WebSocket Origin check: the Worker's own origin plus ALLOWED_ORIGINS.
  origin: (origin, c) =>
    isAllowedOrigin(origin, c.req.url, c.env as Env) ? origin : null,
  allowMethods: ["GET", "HEAD", "POST", "DELETE"],
  allowHeaders: [
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "X-Request-Id",
  ],
  exposeHeaders: ["Retry-After", "WWW-Authenticate", "Allow", "X-Request-Id"],
  maxAge: 600,
});

/**
 * CORS for the API. A request without `Origin` is not a CORS request (browsers send it on every
 * cross-origin request), so it gets no CORS headers; `Vary: Origin` still tells caches that the
 * answer would differ with one. Only a real preflight (OPTIONS with
 * Access-Control-Request-Method) gets the bodiless 204; any other OPTIONS request goes on to the
 * JSON 404/405 every route answers with. No credentials mode: the API authenticates with a
 * bearer header, never with cookies.
 */
export const corsForAllowedOrigins = createMiddleware<AppEnv>(
  async (c, next) => {
    if (c.req.header("Origin") === undefined) {
      await next();
      c.res.headers.append("Vary", "Origin");
      return;
    }
    if (
      c.req.method === "OPTIONS" &&
      !c.req.header("Access-Control-Request-Method")
    ) {
      return next();
    }
    return allowOrigins(c, next);
  },
);
