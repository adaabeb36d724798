// wrangler.jsonc's top level carries the deployed write limit; only the test harness relaxes it.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import {
  LOCAL_LIMIT,
  readConfig,
  writeLocalConfig,
} from "../../scripts/local-limits.ts";
import { startDev, type DevOptions } from "./wrangler-dev.ts";

const CONFIG = resolve(import.meta.dirname, "../../wrangler.jsonc");
const WRITES = 150;
const PERIOD_MS = 10_000;

/**
 * Sends WRITES increments from this one address at once; returns the statuses seen. Local rate
 * limits count in fixed 10 s windows of the clock, so a burst that straddled a window boundary
 * could pass 100 in each: the burst starts just after a boundary.
 */
async function burst(options: Omit<DevOptions, "persistTo">) {
  const persistTo = await mkdtemp(join(tmpdir(), "limits-state-"));
  const server = await startDev({ persistTo, ...options });
  try {
    await new Promise((resolve) =>
      setTimeout(resolve, PERIOD_MS - (Date.now() % PERIOD_MS) + 50),
    );
    const name = `burst-${crypto.randomUUID()}`;
    const statuses = await Promise.all(
      Array.from({ length: WRITES }, () =>
        fetch(`${server.url}/api/counters/${name}/increment`, {
          method: "POST",
        }).then(async (res) => {
          await res.body?.cancel();
          return res.status;
        }),
      ),
    );
    return statuses.sort();
  } finally {
    await server.stop();
    await rm(persistTo, { recursive: true, force: true });
  }
}

test(
  "wrangler.jsonc as it deploys (and as npm run dev runs it) refuses writes past 100 per 10 s",
  { timeout: 180_000 },
  async () => {
    const statuses = await burst({ config: CONFIG });
    const ok = statuses.filter((status) => status === 200).length;
    assert.ok(ok <= 100, `${ok} writes were let through`);
    assert.deepEqual(
      new Set(statuses),
      new Set([200, 429]),
      statuses.join(","),
    );
  },
);

// What the other process tests run under: they send hundreds of writes from one address in
// seconds (the crash test, 300 increments), which the deployed limit would refuse.
test("the test harness's copy of wrangler.jsonc gives every limiter the local budget, and only that changes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "limits-config-"));
  try {
    const original = readConfig(CONFIG);
    const copy = readConfig(writeLocalConfig(CONFIG, dir));
    const limiters = (config: typeof original) =>
      config.ratelimits as { name: string; simple: { limit: number } }[];
    assert.ok(limiters(original).length > 0);
    assert.deepEqual(
      limiters(copy),
      limiters(original).map((limiter) => ({
        ...limiter,
        simple: { ...limiter.simple, limit: LOCAL_LIMIT },
      })),
    );
    assert.deepEqual(copy.durable_objects, original.durable_objects);
    assert.deepEqual(copy.vars, original.vars);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
