import { describe, it } from "vitest";
import {
  REPORT_DELAY_MS,
  STALENESS_BOUND_MS,
  SWEEP_AFTER_MS,
} from "../../src/counter/reporting";
import { postJson, uniqueName } from "../helpers/http";
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

// Date is frozen a day ahead, so no alarm fires by itself: each test moves the clock to the
// moment an alarm is armed for and runs it, and checks that moment lies within the bound.
useFrozenClock();

describe("a sharded read from the aggregate", () => {
  it("includes every increment acknowledged before the bound, from one object", async ({
    expect,
  }) => {
    const counter = uniqueName("bound");
    const writes = Array.from({ length: 24 }, (_, i) => (i % 4) + 1);
    for (const by of writes) {
      const res = await postJson(`/api/sharded-counters/${counter}/increment`, {
        by,
      });
      expect(res.status).toBe(200);
    }
    const acknowledgedAt = Date.now();
    const total = writes.reduce((sum, by) => sum + by, 0);

    // Every written shard armed its report within the delay; none waited on the aggregate.
    for (let index = 0; index < SHARDS; index++) {
      const at = await alarmOf(shardStub(counter, index));
      if (at !== null)
        expect(at).toBeLessThanOrEqual(acknowledgedAt + REPORT_DELAY_MS);
    }
    expect(await reportAndSweep(expect, counter)).toBe(true);
    expect(Date.now()).toBeLessThanOrEqual(
      acknowledgedAt + REPORT_DELAY_MS + SWEEP_AFTER_MS,
    );
    expect(REPORT_DELAY_MS + SWEEP_AFTER_MS).toBeLessThan(STALENESS_BOUND_MS);

    advanceTo(expect, acknowledgedAt + STALENESS_BOUND_MS);
    const read = await readSharded(counter);
    expect(read).toMatchObject({ name: counter, value: total, shards: SHARDS });
    expect(read.asOf).toBeGreaterThanOrEqual(acknowledgedAt);
    expect(read.asOf).toBeLessThanOrEqual(Date.now());
    // It came from the aggregate alone, which answers by itself.
    expect(await aggregateStub(counter).read({ shards: SHARDS })).toEqual({
      value: total,
      asOf: read.asOf,
    });
  });

  it("sums the shards, asOf now, until the aggregate has heard from every shard", async ({
    expect,
  }) => {
    const counter = uniqueName("bound");
    await writeShard(counter, 2, 5);
    await writeShard(counter, 6, 7);
    expect(await aggregateStub(counter).read({})).toBeNull();
    expect(await readSharded(counter)).toEqual({
      name: counter,
      value: 12,
      shards: SHARDS,
      asOf: Date.now(),
    });
    // One report is not enough: the other shards are unknown until the sweep reads them.
    advanceTo(expect, Date.now() + REPORT_DELAY_MS);
    expect(await runShardAlarms(counter)).toBe(2);
    expect(await aggregateStub(counter).read({})).toBeNull();
  });

  it("keeps asOf before a write its shard has not reported yet, never after it", async ({
    expect,
  }) => {
    const counter = uniqueName("bound");
    await writeShard(counter, 0, 1);
    expect(await reportAndSweep(expect, counter)).toBe(true);
    const before = await readSharded(counter);
    expect(before.value).toBe(1);

    advanceTo(expect, Date.now() + 10_000);
    const writtenAt = Date.now();
    await writeShard(counter, 3, 100);
    advanceTo(expect, writtenAt + 60_000);
    // The shard has not reported (its alarm has not run): the aggregate cannot vouch for it.
    const stale = await readSharded(counter);
    expect(stale.value).toBe(1);
    expect(stale.asOf).toBeLessThan(writtenAt);
    expect(stale.asOf).toBe(before.asOf);
    // The exact read asks every shard.
    expect(await readSharded(counter, "?consistent=true")).toMatchObject({
      value: 101,
      asOf: Date.now(),
    });

    expect(await reportAndSweep(expect, counter)).toBe(true);
    const fresh = await readSharded(counter);
    expect(fresh.value).toBe(101);
    expect(fresh.asOf).toBeGreaterThanOrEqual(writtenAt);
  });

  it("vouches for never-written shards only once the sweep has read them", async ({
    expect,
  }) => {
    const counter = uniqueName("bound");
    await writeShard(counter, 1, 4);
    const writtenAt = Date.now();
    advanceTo(expect, writtenAt + REPORT_DELAY_MS);
    await runShardAlarms(counter);
    // Shard 5 is written after the report and the sweep's reads start later still.
    await writeShard(counter, 5, 6);
    const lateAt = Date.now();
    advanceTo(expect, (await alarmOf(aggregateStub(counter)))!);
    await runSweep(counter);
    const read = await readSharded(counter);
    // The sweep read shard 5 directly: its write is in, and asOf covers it.
    expect(read.value).toBe(10);
    expect(read.asOf).toBeGreaterThanOrEqual(lateAt);
  });

  it("sweeps again while a report is newer than asOf, and stops once asOf passes it", async ({
    expect,
  }) => {
    const counter = uniqueName("bound");
    await writeShard(counter, 0, 1);
    expect(await reportAndSweep(expect, counter)).toBe(true);
    expect(await alarmOf(aggregateStub(counter))).toBeNull();

    await writeShard(counter, 4, 2);
    expect(await reportAndSweep(expect, counter)).toBe(true);
    const read = await readSharded(counter);
    expect(read.value).toBe(3);
    expect(await alarmOf(aggregateStub(counter))).toBeNull();
  });
});
