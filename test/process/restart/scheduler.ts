import assert from "node:assert/strict";
import type { DevServer } from "../wrangler-dev.ts";
import type { RestartCase } from "./case.ts";

type Event = { id: string; runAt: number; status: string; attempts: number };

const DELAY_S = 3;

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

/** Arranged last: its event falls due DELAY_S after it is made, and must not run before the stop. */
export const scheduler: RestartCase = {
  title: "an event due while wrangler dev is down runs after the restart",
  async arrange(server) {
    const name = `restart-${crypto.randomUUID()}`;
    const counter = `${name}-counter`;
    const res = await fetch(`${server.url}/api/schedulers/${name}/events`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        delay: DELAY_S,
        action: { type: "counter.increment", counter, by: 5 },
      }),
    });
    assert.equal(res.status, 201);
    const event = (await res.json()) as Event;
    return {
      // Started again only once the event is overdue, so nothing but stored state can run it.
      notBefore: event.runAt + 200,
      async run({ server, stoppedAt, output }) {
        assert.ok(stoppedAt < event.runAt, "stopped before the event was due");
        assert.equal(await waitForCounter(server, counter, 5), 5);
        // Woken by its alarm after a restart, the object still knows the name it was made with.
        assert.ok(
          output().includes(
            `"event":"scheduler_alarm","object":"${name}","ran":1,"failed":0`,
          ),
          output(),
        );
        const read = await fetch(
          `${server.url}/api/schedulers/${name}/events/${event.id}`,
        );
        const done = (await read.json()) as Event;
        assert.equal(done.status, "done");
        assert.equal(done.attempts, 1);
      },
    };
  },
};
