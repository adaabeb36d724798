import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, it, type ExpectStatic } from "vitest";
import { CounterAggregate } from "../../src/counter/counter-aggregate";
import { REPORT_DELAY_MS } from "../../src/counter/reporting";
import { asAdmin, uniqueName } from "../helpers/http";
import { advanceTo, useFrozenClock } from "../helpers/clock";
import {
  aggregateStub,
  alarmOf,
  readSharded,
  reportAndSweep,
  runShardAlarms,
  runSweep,
  SHARDS,
  shardStub,
  writeShard,
} from "../helpers/sharded";
import { NOTHING_STORED, storedIn } from "../helpers/storage";

useFrozenClock();

/** Reports, then sweeps, each at the time it is armed for; answers the aggregate's value. */
async function settle(expect: ExpectStatic, counter: string): Promise<number> {
  await reportAndSweep(expect, counter);
  const read = await aggregateStub(counter).read({});
  expect(read, "the aggregate answers by itself").not.toBeNull();
  return read!.value;
}

describe("shard reports are applied exactly once in effect", () => {
  it("ignores a repeated report and an older one arriving late", async ({
    expect,
  }) => {
    const counter = uniqueName("once");
    await writeShard(counter, 0, 3);
    expect(await settle(expect, counter)).toBe(3);
    const aggregate = aggregateStub(counter);
    const old = { counter, shard: 0, total: 3, through: Date.now() - 5_000 };
    await writeShard(counter, 0, 4);
    expect(await settle(expect, counter)).toBe(7);
    // The retry of an old report, and the same alarm run twice (at-least-once alarms).
    await aggregate.report(old);
    await aggregate.report(old);
    expect(await aggregate.read({})).toMatchObject({ value: 7 });
    await writeShard(counter, 0, 1);
    advanceTo(expect, Date.now() + REPORT_DELAY_MS);
    await runShardAlarms(counter);
    await runInDurableObject(shardStub(counter, 0), (instance) =>
      instance.alarm(),
    );
    expect(await settle(expect, counter)).toBe(8);
  });

  it("reports a shard's writes after the shard is evicted before its alarm", async ({
    expect,
  }) => {
    const counter = uniqueName("once");
    await writeShard(counter, 2, 5);
    await writeShard(counter, 7, 6);
    await evictDurableObject(shardStub(counter, 2));
    await evictDurableObject(shardStub(counter, 7));
    // The cold shard finds whom to report to in its own storage, not in ctx.id.name.
    expect(await settle(expect, counter)).toBe(11);
  });

  it("keeps every total across the aggregate's eviction mid-way", async ({
    expect,
  }) => {
    const counter = uniqueName("once");
    for (let index = 0; index < SHARDS; index++)
      await writeShard(counter, index, index + 1);
    advanceTo(expect, Date.now() + REPORT_DELAY_MS);
    await runShardAlarms(counter);
    await evictDurableObject(aggregateStub(counter));
    const sweepAt = await alarmOf(aggregateStub(counter));
    advanceTo(expect, sweepAt!);
    await runSweep(counter);
    const total = (SHARDS * (SHARDS + 1)) / 2;
    expect(await aggregateStub(counter).read({})).toMatchObject({
      value: total,
    });
    await writeShard(counter, 0, 10);
    await evictDurableObject(aggregateStub(counter));
    expect(await settle(expect, counter)).toBe(total + 10);
  });

  it("rebuilds a deleted aggregate from the shards, counting each once", async ({
    expect,
  }) => {
    const counter = uniqueName("once");
    await writeShard(counter, 1, 10);
    await writeShard(counter, 4, 20);
    expect(await settle(expect, counter)).toBe(30);
    await aggregateStub(counter).destroy();
    expect(await storedIn(aggregateStub(counter))).toEqual(NOTHING_STORED);
    // Until it is rebuilt, a read sums the shards: still exact.
    expect(await readSharded(counter)).toMatchObject({
      value: 30,
      asOf: Date.now(),
    });
    // The next report makes it again; its sweep reads the shards that did not report.
    await writeShard(counter, 4, 1);
    expect(await settle(expect, counter)).toBe(31);
    expect((await readSharded(counter)).value).toBe(31);
  });

  it("retries a report the aggregate failed, and counts it once", async ({
    expect,
  }) => {
    const counter = uniqueName("once");
    await writeShard(counter, 3, 2);
    expect(await settle(expect, counter)).toBe(2);
    // The aggregate fails every report (its class, so every instance) until restored.
    const report = Object.getOwnPropertyDescriptor(
      CounterAggregate.prototype,
      "report",
    )!;
    CounterAggregate.prototype.report = () =>
      Promise.reject(new Error("aggregate down"));
    let retryAt: number | null;
    advanceTo(expect, Date.now() + 1_000);
    const writtenAt = Date.now();
    try {
      await writeShard(counter, 3, 5);
      advanceTo(expect, writtenAt + REPORT_DELAY_MS);
      await runShardAlarms(counter);
      // The shard caught the failure and armed its own retry, strictly in the future.
      retryAt = await alarmOf(shardStub(counter, 3));
      expect(retryAt).toBeGreaterThan(Date.now());
      const during = await readSharded(counter);
      expect(during.value).toBe(2);
      expect(during.asOf).toBeLessThan(writtenAt);
    } finally {
      Object.defineProperty(CounterAggregate.prototype, "report", report);
    }
    advanceTo(expect, retryAt!);
    expect(await runShardAlarms(counter)).toBe(1);
    expect(await settle(expect, counter)).toBe(7);
    const after = await readSharded(counter);
    expect(after.value).toBe(7);
    expect(after.asOf).toBeGreaterThanOrEqual(writtenAt);
  });
});

describe("deleting a sharded counter", () => {
  it("removes every shard and the aggregate, and a late report leaves nothing either", async ({
    expect,
  }) => {
    const counter = uniqueName("gone");
    await writeShard(counter, 0, 1);
    await writeShard(counter, 5, 2);
    expect(await settle(expect, counter)).toBe(3);
    await writeShard(counter, 5, 4); // armed, not yet reported
    const late = { counter, shard: 5, total: 6, through: Date.now() };

    const res = await asAdmin("DELETE", `/api/sharded-counters/${counter}`);
    expect(res.status).toBe(204);
    for (let index = 0; index < SHARDS; index++)
      expect(await storedIn(shardStub(counter, index))).toEqual(NOTHING_STORED);
    expect(await storedIn(aggregateStub(counter))).toEqual(NOTHING_STORED);

    // A report that was on its way when the shard was deleted lands afterwards.
    await aggregateStub(counter).report(late);
    advanceTo(expect, (await alarmOf(aggregateStub(counter)))!);
    await runSweep(counter);
    expect(await storedIn(aggregateStub(counter))).toEqual(NOTHING_STORED);
    expect(await readSharded(counter)).toMatchObject({ value: 0 });
  });

  it("starts over on the same live objects after a delete", async ({
    expect,
  }) => {
    const counter = uniqueName("gone");
    await writeShard(counter, 6, 9);
    expect(await settle(expect, counter)).toBe(9);
    const res = await asAdmin("DELETE", `/api/sharded-counters/${counter}`);
    expect(res.status).toBe(204);
    await writeShard(counter, 6, 2);
    expect(await settle(expect, counter)).toBe(2);
  });
});
