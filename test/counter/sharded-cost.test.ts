import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it, type ExpectStatic } from "vitest";
import { Counter } from "../../src/counter/counter";
import type { CounterAggregate } from "../../src/counter/counter-aggregate";
import { REPORT_DELAY_MS } from "../../src/counter/reporting";
import { countSetAlarm } from "../helpers/alarm-meter";
import { uniqueName } from "../helpers/http";
import { advanceTo, useFrozenClock } from "../helpers/clock";
import {
  aggregateStub,
  alarmOf,
  reportAndSweep,
  runShardAlarms,
  SHARDS,
  shardStub,
  writeShard,
} from "../helpers/sharded";
import { meterSql } from "../helpers/sql-meter";

useFrozenClock();

/** Rows and alarm writes of `run` inside the object behind `stub`. */
function meter<T, O extends Rpc.DurableObjectBranded>(
  stub: DurableObjectStub<O>,
  run: (instance: O) => T | Promise<T>,
) {
  return runInDurableObject(stub, async (instance: O, state) => {
    let sql!: Awaited<ReturnType<typeof meterSql<T>>>;
    const alarms = await countSetAlarm(state.storage, async () => {
      sql = await meterSql(state.storage, () => run(instance));
    });
    return { ...sql, alarms };
  });
}

/**
 * Runs `alarm()` as the runtime does: the fired alarm is no longer armed while its handler runs
 * (getAlarm answers null unless the handler sets one).
 */
function asAlarm<O extends { alarm(): Promise<void> }>(
  stub: DurableObjectStub,
) {
  return runInDurableObject(stub, (_, state) =>
    state.storage.deleteAlarm(),
  ).then(() =>
    meter(stub as DurableObjectStub<O & Rpc.DurableObjectBranded>, (instance) =>
      instance.alarm(),
    ),
  );
}

/** A new counter whose aggregate has swept once, so reads come from it. */
async function settledCounter(expect: ExpectStatic): Promise<string> {
  const counter = uniqueName("cost");
  await writeShard(counter, 0, 1);
  expect(await reportAndSweep(expect, counter)).toBe(true);
  return counter;
}

describe("rows per sharded-counter operation", () => {
  it("writes one row per increment, and one alarm per report batch however many increments", async ({
    expect,
  }) => {
    const counter = uniqueName("cost");
    await writeShard(counter, 1, 1);
    await runShardAlarms(counter);
    const costs = await runInDurableObject(
      shardStub(counter, 1),
      async (instance: Counter, state) => {
        const each = [];
        for (let i = 0; i < 10; i++) {
          let sql!: Awaited<ReturnType<typeof meterSql>>;
          const alarms = await countSetAlarm(state.storage, async () => {
            sql = await meterSql(state.storage, () =>
              instance.increment({ by: 1, shard: { counter, index: 1 } }),
            );
          });
          each.push({ ...sql, alarms });
        }
        return each;
      },
    );
    // This instance already recorded whom it reports to: the increment is its one statement.
    for (const cost of costs) {
      expect(cost).toMatchObject({ statements: 1, rowsWritten: 1 });
    }
    expect(costs.map((cost) => cost.alarms)).toEqual([
      1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it("records a shard's identity once: one more statement, no row, on an instance's first write", async ({
    expect,
  }) => {
    const counter = uniqueName("cost");
    await writeShard(counter, 2, 1);
    // A fresh instance on the same storage, as after an eviction: its constructor reads the
    // schema version, then the increment and the identity row (already there: no row written).
    const cost = await runInDurableObject(
      shardStub(counter, 2),
      (_: Counter, state) =>
        meterSql(state.storage, () =>
          new Counter(state, env).increment({ shard: { counter, index: 2 } }),
        ),
    );
    expect(cost).toMatchObject({ statements: 3, rowsWritten: 1 });
  });

  it("reads one row to answer from the aggregate, and writes nothing", async ({
    expect,
  }) => {
    const counter = await settledCounter(expect);
    const cost = await meter(
      aggregateStub(counter),
      (instance: CounterAggregate) => instance.read({ shards: SHARDS }),
    );
    expect(cost.result).toMatchObject({ value: 1 });
    expect(cost).toMatchObject({
      statements: 1,
      rowsRead: 1,
      rowsWritten: 0,
      alarms: 0,
    });
  });

  it("costs the aggregate at most 2 rows and 1 alarm per report, and a shard's sweep read nothing", async ({
    expect,
  }) => {
    const counter = await settledCounter(expect);
    await writeShard(counter, 3, 5);
    const report = { counter, shard: 3, total: 5, through: Date.now() };
    const first = await meter(
      aggregateStub(counter),
      (instance: CounterAggregate) => instance.report(report),
    );
    expect(first.rowsWritten).toBeLessThanOrEqual(2);
    expect(first.alarms).toBe(1);
    const next = await meter(
      aggregateStub(counter),
      (instance: CounterAggregate) =>
        instance.report({ ...report, shard: 4, total: 0 }),
    );
    // The sweep is armed already: no alarm write.
    expect(next.rowsWritten).toBeLessThanOrEqual(2);
    expect(next.alarms).toBe(0);
    const repeat = await meter(
      aggregateStub(counter),
      (instance: CounterAggregate) => instance.report(report),
    );
    expect(repeat).toMatchObject({ rowsWritten: 0, alarms: 0 });

    const state = await meter(shardStub(counter, 3), (instance: Counter) =>
      instance.shardState(),
    );
    expect(state).toMatchObject({ rowsWritten: 0, alarms: 0 });
    expect(state.rowsRead).toBeLessThanOrEqual(1);
  });

  it("writes no row on a shard to report, and at most one row per changed shard to sweep", async ({
    expect,
  }) => {
    const counter = await settledCounter(expect);
    await writeShard(counter, 5, 3);
    advanceTo(expect, Date.now() + REPORT_DELAY_MS);
    const report = await asAlarm<Counter>(shardStub(counter, 5));
    expect(report).toMatchObject({ rowsWritten: 0, alarms: 0 });
    // Its identity and its total, then the idempotency-key pruning every counter alarm does.
    expect(report.rowsRead).toBeLessThanOrEqual(6);

    advanceTo(expect, (await alarmOf(aggregateStub(counter)))!);
    const sweep = await asAlarm<CounterAggregate>(aggregateStub(counter));
    // Shard 5 reported; the other shards, read again, changed nothing: only asOf moves.
    expect(sweep.rowsWritten).toBeLessThanOrEqual(1);
    expect(sweep.alarms).toBe(0);
  });
});
