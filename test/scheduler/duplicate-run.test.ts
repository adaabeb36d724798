import { runInDurableObject } from "cloudflare:test";
import { describe, it, type ExpectStatic } from "vitest";
import type { Scheduler } from "../../src/scheduler/scheduler";
import { uniqueName } from "../helpers/http";
import * as sched from "../helpers/scheduler";

sched.useFrozenClock();

/** An event due now on a new scheduler that adds 7 to a new counter. */
async function dueIncrement(expect: ExpectStatic) {
  const { name, stub } = sched.newScheduler();
  const counter = uniqueName("c");
  const event = await sched.dueNow(expect, name, sched.increment(counter, 7));
  return { name, stub, counter, event };
}

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("duplicate alarm runs", { timeout: 30_000 }, () => {
  it("do not double-increment a counter when two runs overlap", async ({
    expect,
  }) => {
    const { stub, counter, event } = await dueIncrement(expect);
    // Both runs read the same due event before either records it, as a redelivered alarm would.
    await runInDurableObject(stub, (instance: Scheduler) =>
      Promise.all([instance.alarm(), instance.alarm()]),
    );
    expect(await sched.counterValue(counter)).toBe(7);
    expect(await stub.get({ id: event.id })).toMatchObject({
      status: "done",
      attempts: 1,
    });
  });

  it("do not double-increment a counter when a run's own writes were lost", async ({
    expect,
  }) => {
    const { name, stub, counter, event } = await dueIncrement(expect);
    await sched.runAlarm(name);
    expect(await sched.counterValue(counter)).toBe(7);
    // As if the object died after the RPC but before its own write landed: the event is pending
    // again and the platform delivers the alarm once more.
    await runInDurableObject(stub, async (_, state) => {
      state.storage.sql.exec(
        "UPDATE events SET status = 'pending', attempts = 0, done_at = NULL WHERE id = ?",
        event.id,
      );
      await state.storage.setAlarm(event.runAt);
    });
    expect(await sched.runAlarm(name)).toBe(true);
    expect(await sched.counterValue(counter)).toBe(7);
    expect(await stub.get({ id: event.id })).toMatchObject({
      status: "done",
      attempts: 1,
    });
  });

  it("still increments once per cron occurrence", async ({ expect }) => {
    const { name, stub } = sched.newScheduler();
    const counter = uniqueName("c");
    const event = await sched.scheduled(expect, name, {
      cron: "*/10 * * * *",
      action: sched.increment(counter),
    });
    for (let run = 1; run <= 3; run++) {
      sched.advanceTo(
        expect,
        (await sched.eventOf(expect, name, event.id)).runAt,
      );
      await runInDurableObject(stub, (instance: Scheduler) =>
        Promise.all([instance.alarm(), instance.alarm()]),
      );
      expect(await sched.counterValue(counter)).toBe(run);
    }
  });
});
