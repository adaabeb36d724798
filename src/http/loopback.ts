/**
 * Whether a request came from this machine to this machine. Local-only switches (`ADMIN_AUTH`)
 * apply only then. The URL's host comes from the client's Host header, so it alone proves
 * nothing; the client's address does: Cloudflare sets `CF-Connecting-IP` on every request to a
 * deployed Worker (a client cannot set it), and `wrangler dev` sets it from the socket.
 */
export function isLoopback(url: string, clientIp: string | undefined): boolean {
  const host = new URL(url).hostname;
  return isLoopbackHost(host) && isLoopbackAddress(clientIp ?? "");
}

const isLoopbackHost = (host: string) =>
  host === "localhost" || host === "[::1]" || isLoopbackAddress(host);

const isLoopbackAddress = (address: string) =>
  address === "::1" || /^127(\.\d{1,3}){3}$/.test(address);
