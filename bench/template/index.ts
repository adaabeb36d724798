import app from "../../src/index";

export {
  ChatRoom,
  Counter,
  CounterAggregate,
  NameHold,
  Scheduler,
} from "../../src/index";

/**
 * The template's Worker for `npm run bench`, with two bindings answered in-process:
 * WRITE_LIMITER and READ_LIMITER always allow. Under `wrangler dev` the Rate Limiting binding
 * is emulated by a Durable Object that writes SQLite on every call, a cost the deployed binding
 * does not have, and a long run from one address could spend the local budget. The limiter middleware itself
 * still runs; everything else is the template, unchanged.
 */
const allowAll: RateLimit = { limit: () => Promise.resolve({ success: true }) };

export default {
  fetch: (request, env, ctx) =>
    app.fetch(
      request,
      { ...env, WRITE_LIMITER: allowAll, READ_LIMITER: allowAll },
      ctx,
    ),
} satisfies ExportedHandler<Env>;
