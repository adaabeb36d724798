import { OpenAPIHono } from "@hono/zod-openapi";
import { requestId } from "hono/request-id";
import type { AppEnv } from "./http/app-env";
import { jsonError, onError } from "./http/errors";
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

app.get("/api/health", (c) => c.json({ ok: true }));
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
app.doc31("/api/openapi.json", {
  openapi: "3.1.0",
  info: { title: "Workers + Durable Objects starter", version: "1.0.0" },
});

allowOnlyDeclaredMethods(app);

app.notFound((c) =>
  jsonError(c, 404, "not_found", `no route for ${c.req.method} ${c.req.path}`),
);
app.onError(onError);

/** A known path with a method it does not serve is 405 with `Allow`, derived from the OpenAPI registry. */
function allowOnlyDeclaredMethods(root: OpenAPIHono<AppEnv>) {
  const methodsByPath = new Map<string, Set<string>>([
    ["/api/health", new Set(["GET"])],
    ["/api/openapi.json", new Set(["GET"])],
  ]);
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
