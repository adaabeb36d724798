import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./hono-env";

/**
 * Headers for API responses. They are JSON, never a document, so the policy allows nothing at
 * all: a response that a browser is tricked into rendering cannot run script or be framed. The
 * page's own policy is in public/_headers, because static assets never run the Worker.
 */
const strict = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
  xFrameOptions: "DENY",
  permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
});

/** Answers about live objects must not be served from a cache; a route may say otherwise. */
export const apiSecurityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await strict(c, next);
  if (!c.res.headers.has("Cache-Control")) {
    c.res.headers.set("Cache-Control", "no-store");
  }
});
