// The OpenAPI document as /api/openapi.json serves it: generated from the routes' zod schemas,
// plus what only the serving request knows (its origin, the current time).
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";

const LOCAL_DEV = "http://localhost:8787";

/**
 * `origin` is the deployment answering, so a client generated from a served document calls it.
 * A rule relative to now (`x-maximum-from-now-ms`, a scheduled time at most a year ahead) becomes
 * `maximum` as of serving: a value under it stays accepted later, since the bound only grows.
 */
export function servedDocument(
  app: OpenAPIHono<AppEnv>,
  origin: string,
  nowMs: number,
): Record<string, unknown> {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Workers + Durable Objects starter",
      version: "1.0.0",
      description:
        'Counters, chat rooms and schedulers on Durable Objects. Every error is `{"error": {"code", "message"}}`; docs/api.md says how to generate a client.',
    },
    servers: [
      { url: origin, description: "This deployment" },
      ...(origin === LOCAL_DEV
        ? []
        : [{ url: LOCAL_DEV, description: "npm run dev" }]),
    ],
  });
  return resolveRelativeBounds(document, nowMs) as Record<string, unknown>;
}

function resolveRelativeBounds(node: unknown, nowMs: number): unknown {
  if (Array.isArray(node))
    return node.map((item) => resolveRelativeBounds(item, nowMs));
  if (typeof node !== "object" || node === null) return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node))
    copy[key] = resolveRelativeBounds(value, nowMs);
  const fromNow = copy["x-maximum-from-now-ms"];
  if (typeof fromNow === "number") copy.maximum = nowMs + fromNow;
  return copy;
}
