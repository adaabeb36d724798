import { Hono } from "hono";
import type { BaselineCounter } from "./counter";
import type { BaselineRoom } from "./room";

export { BaselineCounter } from "./counter";
export { BaselineRoom } from "./room";

/** Hand-written: `wrangler types` would emit a second global `Env` next to the template's. */
export type BaselineEnv = {
  COUNTER: DurableObjectNamespace<BaselineCounter>;
  ROOM: DurableObjectNamespace<BaselineRoom>;
};

/**
 * The minimum a Worker needs to do the benchmarked work: a Hono route, an RPC, one SQL
 * statement, or a WebSocket handed to the room. No validation, logging, headers, limits or retries. The paths
 * match the template's so the runner sends identical requests to both.
 */
const app = new Hono<{ Bindings: BaselineEnv }>();

app.get("/api/health", (c) => c.json({ ok: true }));

app.get("/api/counters/:name", async (c) => {
  const name = c.req.param("name");
  const value = await c.env.COUNTER.getByName(name).get();
  return c.json({ name, value });
});

app.post("/api/counters/:name/increment", async (c) => {
  const name = c.req.param("name");
  const body: { by?: number } = await c.req
    .json<{ by?: number }>()
    .catch(() => ({}));
  const value = await c.env.COUNTER.getByName(name).increment(body.by ?? 1);
  return c.json({ name, value });
});

app.get("/api/rooms/:room/websocket", (c) =>
  c.env.ROOM.getByName(c.req.param("room")).fetch(c.req.raw),
);

export default app;
