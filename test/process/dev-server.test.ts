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

test("the dev server without devtools (the bench's) takes vars and shares state with the CLI", async () => {
  const persistTo = await mkdtemp(join(tmpdir(), "dev-state-"));
  try {
    let server = await startDev({
      persistTo,
      devtools: false,
      vars: { SHARD_COUNT: "3" },
    });
    const sharded = await fetch(`${server.url}/api/sharded-counters/likes`);
    const body = (await sharded.json()) as { shards: number };
    assert.equal(body.shards, 3);
    const name = `no-devtools-${Date.now()}`;
    const write = await fetch(`${server.url}/api/counters/${name}/increment`, {
      method: "POST",
    });
    assert.equal(write.status, 200);
    // ADMIN_AUTH=disabled reached the Worker: an admin route answers without a token.
    const wipe = await fetch(`${server.url}/api/counters/wiped-${name}`, {
      method: "DELETE",
    });
    assert.equal(wipe.status, 204);
    await server.stop();
    server = await startDev({ persistTo });
    const read = await fetch(`${server.url}/api/counters/${name}`);
    assert.deepEqual(await read.json(), { name, value: 1 });
    await server.stop();
  } finally {
    await rm(persistTo, { recursive: true, force: true });
  }
});
