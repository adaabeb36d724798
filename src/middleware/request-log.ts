import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../lib/app-env";

/** One structured line per request; Workers Logs indexes its fields. */
export const logRequest = createMiddleware<AppEnv>(async (c, next) => {
  const startedAt = Date.now();
  const stats = { objectCalls: 0, retries: 0 };
  c.set("stats", stats);
  await next();
  console.info(
    JSON.stringify({
      level: "info",
      event: "request",
      requestId: c.get("requestId"),
      method: c.req.method,
      route: routePath(c, -1),
      status: c.res.status,
      durationMs: Date.now() - startedAt,
      ...stats,
    }),
  );
});
