/**
 * Whether a request was addressed to this machine. Local-only switches (`ADMIN_AUTH`) apply
 * only then: Cloudflare never routes a request for `localhost` or 127.0.0.1 to a deployed
 * Worker, so a switch set there by mistake changes nothing.
 */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return (
    host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host)
  );
}
