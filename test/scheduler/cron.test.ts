import { Cron } from "croner";
import { describe, it } from "vitest";
import * as sched from "../helpers/scheduler";
import { uniqueName } from "../helpers/http";

sched.useFrozenClock();

/** The reference: what croner itself says, in UTC. */
function croner(expression: string, afterMs: number): number {
  const next = new Cron(expression, { timezone: "UTC" }).nextRun(
    new Date(afterMs),
  );
  if (!next) throw new Error(`${expression} never fires`);
  return next.getTime();
}

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("cron events", { timeout: 30_000 }, () => {
  it("first runs at the cron library's next occurrence, in UTC", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    sched.advanceTo(expect, Date.UTC(2099, 0, 1, 0, 0, 30)); // a Thursday
    const expected: [string, string][] = [
      ["*/5 * * * *", "2099-01-01T00:05:00.000Z"],
      ["0 9 * * MON-FRI", "2099-01-01T09:00:00.000Z"],
      ["30 2 1 * *", "2099-01-01T02:30:00.000Z"],
      ["15 14 * * 0", "2099-01-04T14:15:00.000Z"],
      ["0 0 29 2 *", "2104-02-29T00:00:00.000Z"], // 2100 is not a leap year
      ["@hourly", "2099-01-01T01:00:00.000Z"],
    ];
    for (const [cron, first] of expected) {
      const event = await sched.scheduled(expect, name, {
        cron,
        action: sched.increment(uniqueName("c")),
      });
      expect(event.cron).toBe(cron);
      expect(new Date(event.runAt).toISOString(), cron).toBe(first);
      expect(event.runAt, cron).toBe(croner(cron, Date.now()));
    }
    expect(await sched.alarmOf(name)).toBe(
      Date.parse("2099-01-01T00:05:00.000Z"),
    );
  });

  it("keeps running, stays pending, and moves runAt to each next occurrence", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const counter = uniqueName("c");
    const cron = "*/5 * * * *";
    const event = await sched.scheduled(expect, name, {
      cron,
      action: sched.increment(counter, 2),
    });
    let runAt = event.runAt;
    for (let run = 1; run <= 4; run++) {
      expect(await sched.alarmOf(name)).toBe(runAt);
      sched.advanceTo(expect, runAt);
      await sched.runAlarm(name);
      expect(await sched.counterValue(counter)).toBe(2 * run);
      const after = await sched.eventOf(expect, name, event.id);
      expect(after).toMatchObject({ status: "pending", attempts: 0, cron });
      expect(after.runAt).toBe(croner(cron, runAt));
      expect(after.runAt - runAt).toBe(5 * 60_000);
      runAt = after.runAt;
    }
  });

  it("runs once after a long outage and skips the occurrences it missed", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const counter = uniqueName("c");
    const cron = "* * * * *";
    const event = await sched.scheduled(expect, name, {
      cron,
      action: sched.increment(counter),
    });
    const late = event.runAt + 60 * 60_000 + 30_000;
    sched.advanceTo(expect, late);
    await sched.runAlarm(name);
    expect(await sched.counterValue(counter)).toBe(1);
    const after = await sched.eventOf(expect, name, event.id);
    expect(after.runAt).toBe(croner(cron, late));
    expect(after.runAt).toBeGreaterThan(late);
  });
});
