import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import type { Counter } from "../../src/counter/counter";
import type { Scheduler } from "../../src/scheduler/scheduler";
import { uniqueName } from "../helpers/http";
import { countSetAlarm } from "../helpers/alarm-meter";
import { increment, newScheduler, useFrozenClock } from "../helpers/scheduler";

useFrozenClock();

describe("alarm writes per operation", () => {
  it("sets no alarm for a plain increment and at most one for the first keyed increment", async ({
    expect,
  }) => {
    const stub = env.COUNTER.getByName(uniqueName("alarms"));
    const [plain, firstKeyed, nextKeyed] = await runInDurableObject(
      stub,
      async (instance: Counter, state) => [
        await countSetAlarm(state.storage, () => instance.increment({})),
        await countSetAlarm(state.storage, () =>
          instance.increment({ idempotencyKey: "a" }),
        ),
        await countSetAlarm(state.storage, () =>
          instance.increment({ idempotencyKey: "b" }),
        ),
      ],
    );
    expect(plain).toBe(0);
    expect(firstKeyed).toBeLessThanOrEqual(1);
    // The pruning alarm is already armed: later keys cost no alarm write.
    expect(nextKeyed).toBe(0);
  });

  it("sets at most one alarm per scheduler alarm run, however many events it runs", async ({
    expect,
  }) => {
    const { stub } = newScheduler();
    const action = increment(uniqueName("c"));
    for (let i = 0; i < 20; i++)
      await stub.create({ runAt: Date.now(), action });
    const calls = await runInDurableObject(stub, (instance: Scheduler, state) =>
      countSetAlarm(state.storage, () => instance.alarm()),
    );
    expect(calls).toBeLessThanOrEqual(1);
  });

  it("sets at most one alarm per created event, and none when an earlier one is armed", async ({
    expect,
  }) => {
    const { stub } = newScheduler();
    const action = increment(uniqueName("c"));
    const [first, later] = await runInDurableObject(
      stub,
      async (instance: Scheduler, state) => [
        await countSetAlarm(state.storage, () =>
          instance.create({ runAt: Date.now() + 1_000, action }),
        ),
        await countSetAlarm(state.storage, () =>
          instance.create({ runAt: Date.now() + 60_000, action }),
        ),
      ],
    );
    expect(first).toBeLessThanOrEqual(1);
    expect(later).toBe(0);
  });
});
