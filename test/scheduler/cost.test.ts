import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { Scheduler } from "../../src/scheduler/scheduler";
import { uniqueName } from "../helpers/http";
import { meterIn } from "../helpers/sql-meter";
import {
  increment,
  newScheduler,
  useFrozenClock,
  withTables,
} from "../helpers/scheduler";

useFrozenClock();

const HOUR = 3_600_000;

/** `due` events created through RPC, behind 300 waiting ones inserted directly: a scan would show. */
async function withBacklog(due: number) {
  const { stub } = newScheduler();
  const action = increment(uniqueName("c"));
  await Promise.all(
    Array.from({ length: due }, () =>
      stub.create({ runAt: Date.now(), action }),
    ),
  );
  await withTables(stub);
  await runInDurableObject(stub, (_, state) => {
    state.storage.sql.exec(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
       INSERT INTO events (id, run_at, action, status, created_at)
       SELECT 'waiting-' || i, ? + i, ?, 'pending', ? FROM n`,
      Date.now() + HOUR,
      JSON.stringify(action),
      Date.now(),
    );
  });
  return stub;
}

/** The query plan of every statement `run` executes, replayed with the same bindings. */
async function queryPlans(
  storage: DurableObjectStorage,
  run: () => unknown,
): Promise<{ query: string; plan: string[] }[]> {
  const sql = storage.sql;
  const exec = sql.exec.bind(sql);
  const seen: [string, unknown[]][] = [];
  sql.exec = ((query: string, ...bindings: unknown[]) => {
    seen.push([query, bindings]);
    return exec(query, ...bindings);
  }) as typeof sql.exec;
  try {
    await run();
  } finally {
    delete (sql as Partial<SqlStorage>).exec;
  }
  return seen.map(([query, bindings]) => ({
    query: query.replaceAll(/\s+/g, " "),
    plan: exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...bindings)
      .toArray()
      .map((row) => row.detail),
  }));
}

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("rows per scheduler operation", { timeout: 30_000 }, () => {
  for (const due of [1, 10, 40]) {
    it(`reads and writes at most 5 rows per fired event, with ${due} due behind 300 waiting`, async ({
      expect,
    }) => {
      const stub = await withBacklog(due);
      const cost = await meterIn(stub, (instance: Scheduler) =>
        instance.alarm(),
      );
      // Per alarm: prune probe, due batch, earliest pending; per event: one guarded UPDATE.
      expect(cost.statements).toBe(due + 3);
      expect(cost.rowsRead).toBeLessThanOrEqual(5 * due + 10);
      expect(cost.rowsWritten).toBeLessThanOrEqual(5 * due);
    });
  }

  it("reads a handful of rows for an alarm with nothing due, however many wait", async ({
    expect,
  }) => {
    const stub = await withBacklog(0);
    const cost = await meterIn(stub, (instance: Scheduler) => instance.alarm());
    expect(cost.rowsRead).toBeLessThanOrEqual(8);
    expect(cost.rowsWritten).toBe(0);
  });

  it("creates an event for a few rows, however many are pending", async ({
    expect,
  }) => {
    const stub = await withBacklog(0);
    const cost = await meterIn(stub, (instance: Scheduler) =>
      instance.create({
        runAt: Date.now() + 5,
        action: increment("x"),
        key: "k",
      }),
    );
    expect(cost.rowsRead).toBeLessThanOrEqual(12);
    expect(cost.rowsWritten).toBeLessThanOrEqual(6);
  });

  it("wakes for two one-row reads and no write", async ({ expect }) => {
    const stub = await withBacklog(0);
    await evictDurableObject(stub);
    const cost = await meterIn(stub, async (_: Scheduler, state) => {
      new Scheduler(state, env);
      // The constructor's alarm check runs under blockConcurrencyWhile; wait for it.
      await state.blockConcurrencyWhile(async () => {});
    });
    expect(cost).toMatchObject({ statements: 2, rowsRead: 2, rowsWritten: 0 });
  });

  it("answers every alarm, create and list statement from an index, never a scan", async ({
    expect,
  }) => {
    const stub = await withBacklog(3);
    const plans = await runInDurableObject(
      stub,
      async (instance: Scheduler, state) => [
        ...(await queryPlans(state.storage, () => instance.alarm())),
        ...(await queryPlans(state.storage, () =>
          instance.create({
            runAt: Date.now(),
            action: increment("x"),
            key: "k",
          }),
        )),
        ...(await queryPlans(state.storage, () =>
          instance.list({ status: "done", limit: 2 }),
        )),
        ...(await queryPlans(state.storage, () =>
          instance.list({ after: { runAt: Date.now(), id: "m" } }),
        )),
      ],
    );
    const lines = plans.flatMap(({ query, plan }) =>
      plan.map((detail) => `${detail}  <=  ${query}`),
    );
    // A scan reads every row; a temporary B-tree sorts every match before LIMIT applies.
    expect(lines.filter((line) => /^SCAN |TEMP B-TREE/.test(line))).toEqual([]);
    for (const query of [
      "status = 'pending' AND run_at <=",
      "ORDER BY run_at LIMIT 1",
      "(run_at, id) > (?, ?)",
    ]) {
      const uses = plans.filter((plan) => plan.query.includes(query));
      expect(uses.length, query).toBeGreaterThan(0);
      for (const { plan } of uses) {
        expect(plan.join(" "), query).toMatch(
          /SEARCH events USING (COVERING )?INDEX events_by_status_run_at/,
        );
      }
    }
    const prunes = plans.filter((plan) => plan.query.startsWith("DELETE"));
    expect(prunes.length).toBeGreaterThan(0);
    for (const { plan } of prunes) {
      expect(plan.join(" ")).toMatch(
        /USING (COVERING )?INDEX events_done_by_time/,
      );
    }
  });
});
