import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startDev } from "./wrangler-dev.ts";

test("a counter survives a restart of wrangler dev on the same state", async () => {
  const persistTo = await mkdtemp(join(tmpdir(), "dev-state-"));
  try {
    let server = await startDev({ persistTo });
    const name = `restart-${Date.now()}`;
    const first = await fetch(`${server.url}/api/counters/${name}/increment`, {
      method: "POST",
    });
    assert.equal(first.status, 200);
    await server.stop();
    server = await startDev({ persistTo });
    const read = await fetch(`${server.url}/api/counters/${name}`);
    assert.deepEqual(await read.json(), { name, value: 1 });
    await server.stop();
  } finally {
    await rm(persistTo, { recursive: true, force: true });
  }
});
