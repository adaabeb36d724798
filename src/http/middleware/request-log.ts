import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../app-env";
import { logLine } from "../log";

/** One structured line per request; Workers Logs indexes its fields. */
export const logRequest = createMiddleware<AppEnv>(async (c, next) => {
  const startedAt = Date.now();
  const stats = { objectCalls: 0, retries: 0 };
  c.set("stats", stats);
  await next();
  logLine("info", {
    event: "request",
    requestId: c.get("requestId"),
    method: c.req.method,
    route: routeOf(c),
    status: c.res.status,
    durationMs: Date.now() - startedAt,
    ...stats,
  });
});

/**
 * The route the request was for: the one whose handler answered, or, when middleware on `/api/*`
 * answered (a limit, malformed JSON), the first route past it. The last matched route is not it:
 * a 405 fallback for `/events/:id` also matches `/events/batch`.
 */
function routeOf(c: Context<AppEnv>): string {
  const routes = matchedRoutes(c);
  const answered = c.req.routeIndex;
  const route =
    routes.slice(answered).find(({ path }) => !path.endsWith("*")) ??
    routes[answered];
  return route?.path ?? "";
}
