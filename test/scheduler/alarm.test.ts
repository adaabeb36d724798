import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { asAdmin, uniqueName } from "../helpers/http";
import * as sched from "../helpers/scheduler";

sched.useFrozenClock();

const MINUTE = 60_000;

function cancel(scheduler: string, id: string): Promise<Response> {
  return asAdmin("DELETE", `/api/schedulers/${scheduler}/events/${id}`);
}

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("the scheduler's one alarm", { timeout: 30_000 }, () => {
  it("is always armed for the earliest pending event, and cleared when none is left", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const now = Date.now();
    const action = sched.increment(uniqueName("c"));
    expect(await sched.alarmOf(name)).toBeNull();
    const later = await sched.scheduled(expect, name, {
      at: now + 30 * MINUTE,
      action,
    });
    expect(await sched.alarmOf(name)).toBe(later.runAt);
    const sooner = await sched.scheduled(expect, name, {
      at: now + 10 * MINUTE,
      action,
    });
    expect(await sched.alarmOf(name)).toBe(sooner.runAt);
    await sched.scheduled(expect, name, { at: now + 20 * MINUTE, action });
    expect(await sched.alarmOf(name)).toBe(sooner.runAt);

    expect((await cancel(name, sooner.id)).status).toBe(204);
    expect(await sched.alarmOf(name)).toBe(now + 20 * MINUTE);
    sched.advanceTo(expect, now + 20 * MINUTE);
    await sched.runAlarm(name);
    expect(await sched.alarmOf(name)).toBe(later.runAt);
    expect((await cancel(name, later.id)).status).toBe(204);
    expect(await sched.alarmOf(name)).toBeNull();
  });

  it("stays armed for the earliest pending event across eviction", async ({
    expect,
  }) => {
    const { name, stub } = sched.newScheduler();
    const action = sched.increment(uniqueName("c"));
    const first = await sched.scheduled(expect, name, { delay: 90, action });
    await sched.scheduled(expect, name, { delay: 900, action });
    await evictDurableObject(stub);
    expect(await sched.alarmOf(name)).toBe(first.runAt);
    sched.advanceTo(expect, first.runAt);
    await evictDurableObject(stub);
    expect(await sched.runAlarm(name)).toBe(true);
    expect(await stub.get({ id: first.id })).toMatchObject({ status: "done" });
  });

  it("repairs a missing alarm when the object wakes", async ({ expect }) => {
    const { name, stub } = sched.newScheduler();
    const event = await sched.scheduled(expect, name, {
      delay: 300,
      action: sched.increment(uniqueName("c")),
    });
    const lost = await runInDurableObject(stub, async (_, state) => {
      await state.storage.deleteAlarm();
      return state.storage.getAlarm();
    });
    expect(lost).toBeNull();
    await evictDurableObject(stub);
    expect(await sched.alarmOf(name)).toBe(event.runAt);
  });

  it("repairs a wrong alarm when the object wakes", async ({ expect }) => {
    const { name, stub } = sched.newScheduler();
    const event = await sched.scheduled(expect, name, {
      delay: 300,
      action: sched.increment(uniqueName("c")),
    });
    await runInDurableObject(stub, (_, state) =>
      state.storage.setAlarm(event.runAt + 3_600_000),
    );
    await evictDurableObject(stub);
    expect(await sched.alarmOf(name)).toBe(event.runAt);
  });

  it("clears a stray alarm when nothing is pending", async ({ expect }) => {
    const { name, stub } = sched.newScheduler();
    await runInDurableObject(stub, (_, state) =>
      state.storage.setAlarm(Date.now() + MINUTE),
    );
    await evictDurableObject(stub);
    expect(await sched.alarmOf(name)).toBeNull();
  });

  it("re-arms strictly after now from inside the alarm when an event is overdue", async ({
    expect,
  }) => {
    const { name, stub } = sched.newScheduler();
    const counter = uniqueName("c");
    const overdue = Date.now() - 5 * MINUTE;
    await sched.scheduled(expect, name, {
      at: overdue,
      action: sched.increment(counter),
    });
    // The alarm runs while a second overdue event arrives: the re-arm must not be "overdue" too.
    await runInDurableObject(stub, async (instance) => {
      const running = instance.alarm();
      await instance.create({
        runAt: overdue,
        action: sched.increment(counter),
      });
      await running;
    });
    expect(await sched.alarmOf(name)).toBeGreaterThan(Date.now());
    expect(await sched.runAlarm(name)).toBe(true);
    expect(await env.COUNTER.getByName(counter).get()).toEqual({ value: 2 });
  });
});
