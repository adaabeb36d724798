import assert from "node:assert/strict";
import { STALENESS_BOUND_MS } from "../../../src/counter/reporting.ts";
import type { DevServer } from "../wrangler-dev.ts";
import type { RestartCase } from "./case.ts";

type Read = { value: number; shards: number; asOf: number };

const sleep = (ms: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Increments, all acknowledged; answers their sum and when the last one was sent. */
async function increment(server: DevServer, counter: string, count: number) {
  let total = 0;
  let lastSentAt = 0;
  for (let i = 0; i < count; i += 10) {
    lastSentAt = Date.now();
    const batch = Array.from({ length: 10 }, (_, j) => ((i + j) % 3) + 1);
    const responses = await Promise.all(
      batch.map((by) =>
        fetch(`${server.url}/api/sharded-counters/${counter}/increment`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ by }),
        }),
      ),
    );
    for (const res of responses) assert.equal(res.status, 200);
    total += batch.reduce((sum, by) => sum + by, 0);
  }
  return { total, lastSentAt };
}

async function read(server: DevServer, counter: string): Promise<Read> {
  const res = await fetch(`${server.url}/api/sharded-counters/${counter}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Read;
}

// The README's promise, against a real workerd with real alarms: a read made STALENESS_BOUND_MS
// after the last acknowledged increment includes it, and says so with asOf; also for writes whose
// reports were still armed when the server stopped (the alarms are stored).
export const sharded: RestartCase = {
  title:
    "a sharded read after the bound includes every acknowledged increment, across the stop",
  async arrange(server) {
    const counter = `bound-${crypto.randomUUID()}`;
    const first = await increment(server, counter, 40);
    await sleep(first.lastSentAt + STALENESS_BOUND_MS - Date.now());
    const settled = await read(server, counter);
    assert.equal(settled.value, first.total);
    assert.ok(
      settled.asOf >= first.lastSentAt,
      `asOf ${settled.asOf} covers the last write sent at ${first.lastSentAt}`,
    );
    const second = await increment(server, counter, 20);
    return {
      async run({ server, readyAt }) {
        await sleep(readyAt + STALENESS_BOUND_MS - Date.now());
        const after = await read(server, counter);
        assert.equal(after.value, first.total + second.total);
        assert.ok(after.asOf >= second.lastSentAt);
        const exact = await fetch(
          `${server.url}/api/sharded-counters/${counter}?consistent=true`,
        );
        assert.equal(((await exact.json()) as Read).value, after.value);
      },
    };
  },
};
