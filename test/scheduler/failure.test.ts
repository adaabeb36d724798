import { describe, it, type ExpectStatic } from "vitest";
import { MAX_VALUE } from "../../src/counter/counter";
import { MAX_EVENT_ATTEMPTS } from "../../src/scheduler/limits";
import { asAdmin, expectError, uniqueName } from "../helpers/http";
import { seedCounter } from "../helpers/storage";
import * as sched from "../helpers/scheduler";

sched.useFrozenClock();

/** A counter one below the maximum: every increment by 2 answers out_of_range. */
async function nearlyFullCounter(): Promise<string> {
  const counter = uniqueName("full");
  await seedCounter(counter, MAX_VALUE - 1);
  return counter;
}

/** An event due now on a new scheduler, whose every run fails: it adds 2 to `counter`. */
async function failingEvent(expect: ExpectStatic) {
  const { name } = sched.newScheduler();
  const counter = await nearlyFullCounter();
  const event = await sched.dueNow(expect, name, sched.increment(counter, 2));
  return { name, counter, event };
}

function retry(scheduler: string, id: string): Promise<Response> {
  return asAdmin("POST", `/api/schedulers/${scheduler}/events/${id}/retry`);
}

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("failing events", { timeout: 30_000 }, () => {
  it("back off from about 1 s, doubling, and die after 8 attempts with lastError", async ({
    expect,
  }) => {
    const { name, counter, event } = await failingEvent(expect);
    let latest: sched.ScheduledEvent = event;
    for (let attempt = 1; attempt <= MAX_EVENT_ATTEMPTS; attempt++) {
      sched.advanceTo(expect, latest.runAt);
      const ranAt = Date.now();
      expect(await sched.runAlarm(name)).toBe(true);
      latest = await sched.eventOf(expect, name, event.id);
      expect(latest.attempts).toBe(attempt);
      expect(latest.lastError).toMatch(/^out_of_range: /);
      if (attempt < MAX_EVENT_ATTEMPTS) {
        expect(latest.status).toBe("pending");
        const waitMs = latest.runAt - ranAt;
        const expectedMs = 1000 * 2 ** (attempt - 1);
        expect(waitMs).toBeGreaterThanOrEqual(expectedMs * 0.8);
        expect(waitMs).toBeLessThanOrEqual(expectedMs * 1.2);
        expect(await sched.alarmOf(name)).toBe(latest.runAt);
      }
    }
    expect(latest.status).toBe("dead");
    expect(await sched.alarmOf(name)).toBeNull();
    expect(await sched.counterValue(counter)).toBe(MAX_VALUE - 1);
  });

  it("does not block the other events of the same batch", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const full = await nearlyFullCounter();
    const healthy = uniqueName("ok");
    const at = Date.now() + 1_000;
    const failing = await sched.scheduled(expect, name, {
      at,
      action: sched.increment(full, 2),
    });
    const others = [
      await sched.scheduled(expect, name, {
        at,
        action: sched.increment(healthy),
      }),
      await sched.scheduled(expect, name, {
        at,
        action: sched.increment(healthy, 10),
      }),
    ];
    sched.advanceTo(expect, at);
    await sched.runAlarm(name);
    expect(await sched.counterValue(healthy)).toBe(11);
    for (const other of others) {
      expect((await sched.eventOf(expect, name, other.id)).status).toBe("done");
    }
    const failed = await sched.eventOf(expect, name, failing.id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1 });
    expect(await sched.alarmOf(name)).toBe(failed.runAt);
  });

  it("revives a dead event with retry: pending, due now, and it then runs", async ({
    expect,
  }) => {
    const { name, counter, event } = await failingEvent(expect);
    for (let attempt = 1; attempt <= MAX_EVENT_ATTEMPTS; attempt++) {
      sched.advanceTo(
        expect,
        (await sched.eventOf(expect, name, event.id)).runAt,
      );
      await sched.runAlarm(name);
    }
    expect((await sched.eventOf(expect, name, event.id)).status).toBe("dead");

    sched.advanceTo(expect, Date.now() + 60_000);
    const res = await retry(name, event.id);
    expect(res.status).toBe(200);
    const revived = await res.json<sched.ScheduledEvent>();
    expect(revived).toMatchObject({
      id: event.id,
      status: "pending",
      attempts: 0,
      runAt: Date.now(),
    });
    expect(revived.lastError).toMatch(/^out_of_range: /);
    expect(await sched.alarmOf(name)).toBe(Date.now());

    await seedCounter(counter, 40);
    await sched.runAlarm(name);
    expect(await sched.counterValue(counter)).toBe(42);
    expect(await sched.eventOf(expect, name, event.id)).toMatchObject({
      status: "done",
      attempts: 1,
    });
  });

  it("refuses to retry an event that is not dead (409) or does not exist (404)", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const pending = await sched.scheduled(expect, name, {
      delay: 60,
      action: sched.increment(uniqueName("c")),
    });
    const notDead = await retry(name, pending.id);
    await expectError(expect, notDead, 409, "not_dead");
    expect(await sched.eventOf(expect, name, pending.id)).toEqual(pending);

    const done = await sched.dueNow(
      expect,
      name,
      sched.increment(uniqueName("c")),
    );
    await sched.runAlarm(name);
    const doneRetry = await retry(name, done.id);
    await expectError(expect, doneRetry, 409, "not_dead");
    expect((await sched.eventOf(expect, name, done.id)).status).toBe("done");

    const missing = await retry(name, crypto.randomUUID());
    await expectError(expect, missing, 404, "not_found");
  });

  it("sends a cron event to dead after 8 failed attempts at one occurrence", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const counter = await nearlyFullCounter();
    const event = await sched.scheduled(expect, name, {
      cron: "0 * * * *",
      action: sched.increment(counter, 2),
    });
    for (let attempt = 1; attempt <= MAX_EVENT_ATTEMPTS; attempt++) {
      sched.advanceTo(
        expect,
        (await sched.eventOf(expect, name, event.id)).runAt,
      );
      await sched.runAlarm(name);
    }
    expect(await sched.eventOf(expect, name, event.id)).toMatchObject({
      status: "dead",
      attempts: MAX_EVENT_ATTEMPTS,
      cron: "0 * * * *",
    });
    expect(await sched.alarmOf(name)).toBeNull();
  });
});
