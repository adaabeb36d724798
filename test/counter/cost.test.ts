import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { Counter } from "../../src/counter/counter";
import { uniqueName } from "../helpers/http";
import { meterIn, meterSql } from "../helpers/sql-meter";

function counter() {
  return env.COUNTER.getByName(uniqueName("cost"));
}

/** A counter written once: its tables exist and it holds 1. */
async function writtenOnce() {
  const stub = counter();
  await stub.increment({});
  return stub;
}

describe("rows per counter operation", () => {
  it("writes at most one row per increment without an idempotency key", async ({
    expect,
  }) => {
    const stub = await writtenOnce();
    const cost = await meterIn(stub, (instance) =>
      instance.increment({ by: 2 }),
    );
    expect(cost.result).toEqual({ value: 3 });
    expect(cost.statements).toBe(1);
    expect(cost.rowsWritten).toBeLessThanOrEqual(1);
  });

  it("writes at most three rows per increment with an idempotency key, and none on a replay", async ({
    expect,
  }) => {
    const stub = await writtenOnce();
    const first = await meterIn(stub, (instance) =>
      instance.increment({ idempotencyKey: "k1" }),
    );
    expect(first.rowsWritten).toBeLessThanOrEqual(3);
    const replay = await meterIn(stub, (instance) =>
      instance.increment({ idempotencyKey: "k1" }),
    );
    expect(replay.result).toEqual({ value: 2 });
    expect(replay.rowsWritten).toBe(0);
    expect(replay.rowsRead).toBeLessThanOrEqual(1);
    const reused = await meterIn(stub, (instance) =>
      instance.decrement({ idempotencyKey: "k1" }),
    );
    expect(reused.result).toMatchObject({
      failure: { code: "idempotency_key_reused" },
    });
    expect(reused.rowsWritten).toBe(0);
    expect(reused.rowsRead).toBeLessThanOrEqual(1);
  });

  it("creates its tables with its first write, once, and a first read costs nothing", async ({
    expect,
  }) => {
    const stub = counter();
    const [read, first, second] = await runInDurableObject(
      stub,
      async (instance: Counter, state) => [
        await meterSql(state.storage, () => instance.get()),
        await meterSql(state.storage, () => instance.increment({})),
        await meterSql(state.storage, () => instance.increment({})),
      ],
    );
    expect(read).toMatchObject({ statements: 0, rowsWritten: 0 });
    // The counter row, plus once per object: the tables, the index, the fingerprint column
    // and a ledger entry per step (shard_of is step 2, the fingerprint step 3).
    expect(first.rowsWritten).toBeLessThanOrEqual(10);
    expect(second).toMatchObject({ statements: 1, rowsWritten: 1 });
  });

  it("reads one row to answer a get", async ({ expect }) => {
    const stub = await writtenOnce();
    const cost = await meterIn(stub, (instance) => instance.get());
    expect(cost).toMatchObject({ statements: 1, rowsRead: 1, rowsWritten: 0 });
  });

  it("costs one statement to wake with a current schema", async ({
    expect,
  }) => {
    const stub = await writtenOnce();
    await evictDurableObject(stub);
    // The constructor runs before the callback, so measure a fresh construction directly.
    const cost = await meterIn(
      stub,
      (_instance: Counter, state) => new Counter(state, env),
    );
    expect(cost.statements).toBe(1);
    expect(cost.rowsWritten).toBe(0);
  });
});
