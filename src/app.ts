import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./http/app-env";
import { jsonError, onError } from "./http/errors";
import { commonErrors, json, PUBLIC } from "./http/openapi";
import { servedDocument } from "./http/openapi-document";
import { limitBody } from "./http/middleware/body-limit";
import { corsForAllowedOrigins } from "./http/middleware/cors";
import { parseJson } from "./http/middleware/parse-json";
import { limitRequests } from "./http/middleware/rate-limit";
import { logRequest } from "./http/middleware/request-log";
import { apiSecurityHeaders } from "./http/middleware/security-headers";
import { counters } from "./counter/routes";
import { rooms } from "./chat/routes";
import { schedulers } from "./scheduler/routes";
import { sessions } from "./identity/routes";
import { shardedCounters } from "./counter/sharded-routes";

export const app = new OpenAPIHono<AppEnv>();

app.use(
  "/api/*",
  requestId(),
  logRequest,
  apiSecurityHeaders,
  corsForAllowedOrigins,
  limitRequests,
  limitBody,
  parseJson,
);

app.openapi(
  createRoute({
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    summary: "Liveness: answers without touching a Durable Object",
    ...PUBLIC,
    responses: {
      200: json(z.object({ ok: z.literal(true) }).openapi("Health"), "Up"),
      ...commonErrors,
    },
  }),
  (c) => c.json({ ok: true as const }, 200),
);
app.route("/api/counters", counters);
app.route("/api/sharded-counters", shardedCounters);
app.route("/api/rooms", rooms);
app.route("/api/schedulers", schedulers);
app.route("/api", sessions);

app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
  type: "http",
  scheme: "bearer",
});
app.openAPIRegistry.registerComponent("securitySchemes", "sessionCookie", {
  type: "apiKey",
  in: "cookie",
  // One cookie per name key, so OpenAPI's single fixed name can only show its form.
  name: "__Host-session_<base64url of the name's key>",
  description:
    "Set by POST /api/sessions (without the __Host- prefix over plain HTTP); read only on the WebSocket upgrade, for browsers",
});
app.openAPIRegistry.registerComponent("securitySchemes", "hold", {
  type: "http",
  scheme: "Hold",
  description:
    "The hold secret from POST /api/sessions: Authorization: Hold <secret>",
});
app.openapi(
  createRoute({
    method: "get",
    path: "/api/openapi.json",
    operationId: "getOpenApiDocument",
    summary:
      "This document: OpenAPI 3.1, generated from the request validators",
    ...PUBLIC,
    responses: {
      200: json(
        z
          .looseObject({
            openapi: z.literal("3.1.0"),
            info: z.looseObject({ title: z.string(), version: z.string() }),
            paths: z.record(z.string(), z.unknown()),
          })
          .openapi("OpenApiDocument"),
        "The document",
      ),
      ...commonErrors,
    },
  }),
  (c) =>
    c.json(
      servedDocument(app, new URL(c.req.url).origin, Date.now()) as {
        openapi: "3.1.0";
        info: { title: string; version: string };
        paths: Record<string, unknown>;
      },
      200,
    ),
);

allowOnlyDeclaredMethods(app);

app.notFound((c) =>
  jsonError(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`),
);
app.onError(onError);

/** A known path with a method it does not serve is 405 with `Allow`, derived from the OpenAPI registry. */
function allowOnlyDeclaredMethods(root: OpenAPIHono<AppEnv>) {
  const methodsByPath = new Map<string, Set<string>>();
  for (const definition of root.openAPIRegistry.definitions) {
    if (definition.type !== "route") continue;
    const path = definition.route.path.replaceAll(/\{(\w+)\}/g, ":$1");
    const methods = methodsByPath.get(path) ?? new Set<string>();
    methods.add(definition.route.method.toUpperCase());
    methodsByPath.set(path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    if (methods.has("GET")) methods.add("HEAD");
    const allow = [...methods].join(", ");
    root.all(path, (c) =>
      jsonError(
        c,
        405,
        "method_not_allowed",
        `${c.req.method} is not allowed here; use ${allow}`,
        {
          Allow: allow,
        },
      ),
    );
  }
}
