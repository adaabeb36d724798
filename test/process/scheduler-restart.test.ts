import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { startDev, type DevServer } from "./wrangler-dev.ts";

type Event = { id: string; runAt: number; status: string; attempts: number };

const DELAY_S = 3;

async function schedule(server: DevServer, scheduler: string, counter: string) {
  const res = await fetch(`${server.url}/api/schedulers/${scheduler}/events`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      delay: DELAY_S,
      action: { type: "counter.increment", counter, by: 5 },
    }),
  });
  assert.equal(res.status, 201);
  return (await res.json()) as Event;
}

/**
 * Polls the counter, not the scheduler: a request to the scheduler would wake it, and its
 * constructor re-arms an overdue alarm, which would hide a lost alarm. Bounded for slow CI.
 */
async function waitForCounter(
  server: DevServer,
  counter: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${server.url}/api/counters/${counter}`);
    const { value } = (await res.json()) as { value: number };
    if (value === expected || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

// One server per signal, side by side: each test waits mostly on its event's delay and restart.
describe("a scheduler across a restart", { concurrency: true }, () => {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    test(`an event due while wrangler dev is down (${signal}) runs after the restart`, async (t) => {
      const persistTo = await mkdtemp(join(tmpdir(), "scheduler-state-"));
      let server = await startDev({ persistTo });
      try {
        const scheduler = `restart-${Date.now()}`;
        const counter = `${scheduler}-counter`;
        const event = await schedule(server, scheduler, counter);
        await server.stop(signal);
        assert.ok(Date.now() < event.runAt, "stopped before the event was due");
        // Start again only once the event is overdue, so nothing but stored state can run it.
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, event.runAt - Date.now() + 200)),
        );
        let output = "";
        server = await startDev({
          persistTo,
          onOutput: (text) => (output += text),
        });
        const readyAt = Date.now();
        assert.equal(await waitForCounter(server, counter, 5), 5);
        t.diagnostic(
          `ran ${Date.now() - readyAt} ms after the server was ready`,
        );
        // Woken by its alarm after a restart, the object still knows the name it was made with.
        assert.ok(
          output.includes(
            `"event":"scheduler_alarm","object":"${scheduler}","ran":1,"failed":0`,
          ),
          output,
        );
        const res = await fetch(
          `${server.url}/api/schedulers/${scheduler}/events/${event.id}`,
        );
        const done = (await res.json()) as Event;
        assert.equal(done.status, "done");
        assert.equal(done.attempts, 1);
      } finally {
        await server.stop();
        await rm(persistTo, { recursive: true, force: true });
      }
    });
  }
});
