export type OriginConfig = { ALLOWED_ORIGINS?: string };

/**
 * The one origin allow list, shared by the WebSocket Origin check and CORS. The Worker's own
 * origin is always allowed; `ALLOWED_ORIGINS` adds others as a comma-separated list of exact
 * origins (`https://app.example.com,http://localhost:5173`). No wildcards: a pattern that is
 * too broad is how cross-site WebSocket hijacking happens.
 */
export function isAllowedOrigin(
  origin: string,
  requestUrl: string,
  env: OriginConfig,
): boolean {
  const normalized = normalizeOrigin(origin);
  if (normalized === null) return false;
  if (normalized === new URL(requestUrl).origin) return true;
  return allowedOrigins(env).has(normalized);
}

/** The configured origins, normalized so `HTTPS://App.example.com:443/` matches what browsers send. */
export function allowedOrigins(env: OriginConfig): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const entry of (env.ALLOWED_ORIGINS ?? "").split(",")) {
    const origin = normalizeOrigin(entry.trim());
    if (origin !== null) origins.add(origin);
  }
  return origins;
}

/** `null` for anything that is not an http(s) origin, including the literal `null` of sandboxed frames. */
function normalizeOrigin(value: string): string | null {
  if (!URL.canParse(value)) return null;
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  return url.origin;
}
