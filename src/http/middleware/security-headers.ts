import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../app-env";

/**
 * Headers for API responses: the set the OWASP REST Security Cheat Sheet asks of a JSON API.
 * The answers are never a document, so the policy allows nothing at all: a response a browser is
 * tricked into rendering cannot run script or be framed, and no-cors reads from other sites are
 * refused. Hono's defaults that only matter for HTML pages (referrer, opener, embedder,
 * prefetch, IE and Flash switches) are off: each one is a header on every answer for nothing.
 * The page's own policy is in public/_headers, because static assets never run the Worker.
 */
const strict = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
  xFrameOptions: "DENY",
  crossOriginResourcePolicy: true,
  strictTransportSecurity: true,
  xContentTypeOptions: true,
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});

/** Answers about live objects must not be served from a cache; a route may say otherwise. */
export const apiSecurityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await strict(c, next);
  if (!c.res.headers.has("Cache-Control")) {
    c.res.headers.set("Cache-Control", "no-store");
  }
});
