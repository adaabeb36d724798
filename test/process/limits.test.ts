// wrangler.jsonc's top level carries the deployed write limit; only the test harness relaxes it.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { startDev, type DevOptions } from "./wrangler-dev.ts";

const WRITES = 150;
const PERIOD_MS = 10_000;

/**
 * Sends WRITES increments from this one address at once; returns the statuses seen. Local rate
 * limits count in fixed 10 s windows of the clock, so a burst that straddled a window boundary
 * could pass 100 in each: `aligned` starts it just after a boundary.
 */
async function burst(
  options: Omit<DevOptions, "persistTo">,
  { aligned }: { aligned: boolean },
) {
  const persistTo = await mkdtemp(join(tmpdir(), "limits-state-"));
  const server = await startDev({ persistTo, ...options });
  try {
    if (aligned)
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

// Two servers, one per config: run side by side.
describe("write limits", { concurrency: true }, () => {
  test(
    "wrangler.jsonc as it deploys (and as npm run dev runs it) refuses writes past 100 per 10 s",
    { timeout: 180_000 },
    async () => {
      const statuses = await burst(
        {
          config: resolve(import.meta.dirname, "../../wrangler.jsonc"),
        },
        { aligned: true },
      );
      const ok = statuses.filter((status) => status === 200).length;
      assert.ok(ok <= 100, `${ok} writes were let through`);
      assert.deepEqual(
        new Set(statuses),
        new Set([200, 429]),
        statuses.join(","),
      );
    },
  );

  test(
    "the test harness runs wrangler dev under the local budget",
    { timeout: 180_000 },
    async () => {
      const statuses = await burst({}, { aligned: false });
      assert.deepEqual(statuses, Array<number>(WRITES).fill(200));
    },
  );
});
