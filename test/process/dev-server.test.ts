import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startDev, type DevOptions, type DevServer } from "./wrangler-dev.ts";

/** Writes a fresh counter once, restarts on the same state with `next`, and reads it back. */
async function incrementThenRestart(
  server: DevServer,
  next: DevOptions,
): Promise<{ name: string; read: unknown }> {
  const name = `restart-${Date.now()}`;
  const write = await fetch(`${server.url}/api/counters/${name}/increment`, {
    method: "POST",
  });
  assert.equal(write.status, 200);
  await server.stop();
  const restarted = await startDev(next);
  try {
    const read = await fetch(`${restarted.url}/api/counters/${name}`);
    return { name, read: await read.json() };
  } finally {
    await restarted.stop();
  }
}

async function withState(run: (persistTo: string) => Promise<void>) {
  const persistTo = await mkdtemp(join(tmpdir(), "dev-state-"));
  try {
    await run(persistTo);
  } finally {
    await rm(persistTo, { recursive: true, force: true });
  }
}

// The bench's dev server (wrangler's API, no devtools) writes; the CLI's, started again on the
// same state, reads.
test("a counter survives a restart of wrangler dev, and the bench's dev server takes vars", () =>
  withState(async (persistTo) => {
    const server = await startDev({ persistTo, devtools: false });
    // ADMIN_AUTH=disabled (one of `npm run dev`'s vars) reached the Worker: an admin route
    // answers without a token.
    const wipe = await fetch(`${server.url}/api/counters/wiped`, {
      method: "DELETE",
    });
    assert.equal(wipe.status, 204);
    const { name, read } = await incrementThenRestart(server, { persistTo });
    assert.deepEqual(read, { name, value: 1 });
  }));
