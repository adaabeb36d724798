import app from "../../src/index";

export { ChatRoom, Counter, Scheduler } from "../../src/index";

/**
 * The template's Worker for `npm run bench`, with one binding answered in-process:
 * WRITE_LIMITER always allows. Under `wrangler dev` the Rate Limiting binding is emulated by a
 * Durable Object that writes SQLite on every call, a cost the deployed binding does not have,
 * and a long run from one address could spend the local budget. The limiter middleware itself
 * still runs; everything else is the template, unchanged.
 */
const allowAll: RateLimit = { limit: () => Promise.resolve({ success: true }) };

type BenchEnv = Env & { BENCH_REQUEST_LOG?: string };

export default {
  fetch(request, env: BenchEnv, ctx) {
    if (env.BENCH_REQUEST_LOG === "off") muteRequestLog();
    return app.fetch(request, { ...env, WRITE_LIMITER: allowAll }, ctx);
  },
} satisfies ExportedHandler<BenchEnv>;

let muted = false;

/**
 * A diagnostic only: drops the per-request log line, to show what it costs under
 * `wrangler dev`, where every console.log travels to wrangler over the inspector protocol.
 */
function muteRequestLog(): void {
  if (muted) return;
  muted = true;
  const log = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].includes('"event":"request"'))
      return;
    log(...args);
  };
}
