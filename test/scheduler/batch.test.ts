import { runInDurableObject } from "cloudflare:test";
import { describe, it, type ExpectStatic } from "vitest";
import { MAX_BATCH, MAX_PENDING } from "../../src/scheduler/limits";
import type { Scheduler } from "../../src/scheduler/scheduler";
import { ADMIN, expectError, postJson, uniqueName } from "../helpers/http";
import { meterSql } from "../helpers/sql-meter";
import {
  alarmOf,
  countByStatus,
  increment,
  newScheduler,
  scheduled,
  useFrozenClock,
  type ScheduledEvent,
} from "../helpers/scheduler";

useFrozenClock();

type Batch = { events: ScheduledEvent[]; created: boolean[] };

const batch = (scheduler: string, events: unknown[]) =>
  postJson(`/api/schedulers/${scheduler}/events/batch`, { events }, ADMIN);

async function batched(
  expect: ExpectStatic,
  scheduler: string,
  events: unknown[],
): Promise<Batch> {
  const res = await batch(scheduler, events);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<Batch>();
}

const items = (count: number, counter = uniqueName("c")) =>
  Array.from({ length: count }, (_, i) => ({
    delay: 60 + i,
    action: increment(counter),
    key: `item-${i}`,
  }));

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("batch create", { timeout: 30_000 }, () => {
  it(`stores up to ${MAX_BATCH} events in order and arms the alarm for the earliest`, async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const body = items(MAX_BATCH);
    const { events, created } = await batched(expect, name, body);
    expect(events.map((event) => event.key)).toEqual(body.map((b) => b.key));
    expect(created).toEqual(body.map(() => true));
    expect(await countByStatus(name)).toEqual({ pending: MAX_BATCH });
    expect(await alarmOf(name)).toBe(Math.min(...events.map((e) => e.runAt)));
  });

  it("returns the existing event for a known key, across requests and within one batch", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const action = increment(uniqueName("c"));
    const earlier = await scheduled(expect, name, {
      delay: 5,
      action,
      key: "a",
    });
    const { events, created } = await batched(expect, name, [
      { delay: 5, action, key: "a" },
      { delay: 9, action, key: "b" },
      { delay: 9, action, key: "b" },
    ]);
    expect(created).toEqual([false, true, false]);
    expect(events[0]).toEqual(earlier);
    expect(events[2]).toEqual(events[1]);
    expect(await countByStatus(name)).toEqual({ pending: 2 });

    const again = await batched(expect, name, [{ delay: 9, action, key: "b" }]);
    expect(again).toEqual({ events: [events[1]], created: [false] });
  });

  it("refuses a batch that reuses a key for another request, naming the item, and stores nothing", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const action = increment(uniqueName("c"));
    await scheduled(expect, name, { delay: 5, action, key: "a" });
    for (const body of [
      [
        { delay: 9, action, key: "b" },
        { delay: 5, action, key: "a" },
        { delay: 30, action, key: "a" },
      ],
      [
        { delay: 9, action, key: "b" },
        { delay: 9, action, key: "c" },
        { delay: 30, action, key: "b" },
      ],
    ]) {
      const res = await batch(name, body);
      expect(res.status).toBe(422);
      const { error } = await res.json<{
        error: { code: string; message: string };
      }>();
      expect(error.code).toBe("idempotency_key_reused");
      expect(error.message).toContain("events[2]");
    }
    expect(await countByStatus(name)).toEqual({ pending: 1 });
  });

  it("refuses a batch with one bad item, naming it, and stores nothing", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const good = items(3);
    for (const [bad, field] of [
      [{ ...good[0], action: { type: "nope" } }, "events.2.action"],
      [{ ...good[0], delay: 5, at: 0 }, "events[2]"],
      [{ ...good[0], surprise: true }, "events.2"],
      [{ ...good[0], cron: "61 * * * *", delay: undefined }, "events.2.cron"],
    ] as const) {
      const res = await batch(name, [good[0], good[1], bad]);
      expect(res.status).toBe(400);
      const { error } = await res.json<{ error: { message: string } }>();
      expect(error.message).toContain(field);
    }
    for (const events of [[], items(MAX_BATCH + 1)]) {
      const res = await batch(name, events);
      await expectError(expect, res, 400, "invalid_request");
    }
    expect(await countByStatus(name)).toEqual({});
    expect(await alarmOf(name)).toBeNull();
  });

  it("refuses a batch that would pass the pending limit, storing none of it", async ({
    expect,
  }) => {
    const { name, stub } = newScheduler();
    await runInDurableObject(stub, async (instance: Scheduler) => {
      const filler = items(MAX_BATCH).map(({ action }) => ({
        runAt: Date.now() + 60_000,
        action,
      }));
      for (let n = 0; n < MAX_PENDING - 2; n += MAX_BATCH) {
        const result = await instance.createMany({
          events: filler.slice(0, Math.min(MAX_BATCH, MAX_PENDING - 2 - n)),
        });
        expect(result).not.toHaveProperty("failure");
      }
    });
    const res = await batch(name, items(3));
    await expectError(expect, res, 409, "limit_exceeded");
    expect(await countByStatus(name)).toEqual({ pending: MAX_PENDING - 2 });

    await batched(expect, name, items(2));
    expect(await countByStatus(name)).toEqual({ pending: MAX_PENDING });
  });

  it("writes no more rows per event than creating them one at a time", async ({
    expect,
  }) => {
    const one = newScheduler();
    const many = newScheduler();
    const counter = uniqueName("c");
    const events = items(20, counter).map(({ delay, action, key }) => ({
      runAt: Date.now() + delay * 1000,
      action,
      key,
    }));
    const single = await runInDurableObject(
      one.stub,
      (instance: Scheduler, state) =>
        meterSql(state.storage, async () => {
          for (const event of events) await instance.create(event);
        }),
    );
    const together = await runInDurableObject(
      many.stub,
      (instance: Scheduler, state) =>
        meterSql(state.storage, () => instance.createMany({ events })),
    );
    expect(together.rowsWritten).toBeLessThanOrEqual(single.rowsWritten);
    expect(together.rowsRead).toBeLessThanOrEqual(single.rowsRead);
  });
});
