import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppEnv } from "../app-env";
import { logLine } from "../log";

/** The period of both limiter bindings in wrangler.jsonc; a binding cannot report it. */
export const LIMIT_PERIOD_SECONDS = 10;

const READS = new Set(["GET", "HEAD"]);

/**
 * Per-client limits, one budget for reads and a separate one for writes. Writes are every method
 * but GET, HEAD and OPTIONS, plus WebSocket upgrades (a join is announced to the whole room).
 * Reads are budgeted too: each read of a new name still wakes an object, which stores nothing
 * but is not free. CORS preflights (OPTIONS) wake nothing and are not counted. The limiters are
 * approximate and per Cloudflare location, a brake on abuse rather than a quota. If a binding
 * itself fails the request goes through: a limiter outage must not take the API down with it.
 */
export const limitRequests = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "OPTIONS") return next();
  const upgrade = c.req.header("Upgrade")?.toLowerCase() === "websocket";
  const read = READS.has(c.req.method) && !upgrade;
  const limiter = read ? c.env.READ_LIMITER : c.env.WRITE_LIMITER;
  const key = clientKey(c.req.header("CF-Connecting-IP"));
  let allowed = true;
  try {
    allowed = (await limiter.limit({ key })).success;
  } catch (error) {
    logLine("error", {
      event: "rate_limiter_error",
      requestId: c.get("requestId"),
      error: String(error),
    });
  }
  if (!allowed) {
    throw new ApiError(
      429,
      "rate_limited",
      `too many ${read ? "reads" : "changes"} from this client; retry in ${LIMIT_PERIOD_SECONDS} s`,
      { "Retry-After": String(LIMIT_PERIOD_SECONDS) },
    );
  }
  return next();
});

/**
 * Who the client is: `CF-Connecting-IP`, which Cloudflare sets on every request and clients
 * cannot forge on a deployed Worker (unlike `X-Forwarded-For`). An IPv6 address counts as its
 * /64, since one subscriber usually holds a whole /64 and could rotate through it. Requests
 * without the header (service bindings, tests) share one budget.
 */
export function clientKey(ip: string | undefined): string {
  if (!ip) return "unknown";
  if (!ip.includes(":")) return ip;
  const groups = expandIpv6(ip);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : ip;
}

/** The eight 16-bit groups of an IPv6 address, `::` expanded; `null` if it is not one. */
function expandIpv6(ip: string): string[] | null {
  const halves = ip.toLowerCase().split("::");
  if (halves.length > 2) return null;
  const [head, tail] = halves.map((half) => (half ? half.split(":") : []));
  const missing = 8 - (head!.length + (tail?.length ?? 0));
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [
    ...head!,
    ...Array<string>(missing).fill("0"),
    ...(tail ?? []),
  ];
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => group.replace(/^0+(?=.)/, ""));
}
