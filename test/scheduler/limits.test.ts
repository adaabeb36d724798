import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { DONE_RETENTION_MS, MAX_PENDING } from "../../src/scheduler/limits";
import type { Scheduler } from "../../src/scheduler/scheduler";
import { ADMIN, api, asAdmin, expectError, uniqueName } from "../helpers/http";
import {
  advanceTo,
  countByStatus,
  increment,
  newScheduler,
  withTables,
  runAlarm,
  schedule,
  scheduled,
  useFrozenClock,
  dueNow,
} from "../helpers/scheduler";

useFrozenClock();

const HOUR = 3_600_000;

/** Inserts `count` rows of one status in one statement; the triggers keep the pending count. */
async function fill(
  stub: DurableObjectStub<Scheduler>,
  count: number,
  status: "pending" | "done" | "dead",
  runAt: number,
): Promise<void> {
  await withTables(stub);
  await runInDurableObject(stub, (_, state) => {
    state.storage.sql.exec(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO events (id, run_at, action, status, created_at, done_at)
       SELECT ? || '-' || i, ?, ?, ?, ?, CASE WHEN ? = 'done' THEN ? END FROM n`,
      count,
      status,
      runAt,
      JSON.stringify(increment("filler")),
      status,
      runAt,
      status,
      runAt,
    );
  });
}

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("scheduler limits", { timeout: 30_000 }, () => {
  it(`holds at most ${MAX_PENDING} pending events (409 limit_exceeded beyond)`, async ({
    expect,
  }) => {
    const { name, stub } = newScheduler();
    await fill(stub, MAX_PENDING - 1, "pending", Date.now() + HOUR);
    await fill(stub, 3, "done", Date.now());
    const action = increment(uniqueName("c"));
    const last = await scheduled(expect, name, {
      delay: 60,
      action,
      key: "last",
    });

    const over = await schedule(name, { delay: 60, action });
    await expectError(expect, over, 409, "limit_exceeded");
    const cron = await schedule(name, { cron: "* * * * *", action });
    expect(cron.status).toBe(409);
    expect(await countByStatus(name)).toEqual({
      pending: MAX_PENDING,
      done: 3,
    });

    // A repeated key is not a new event: it still answers 200.
    const repeat = await schedule(name, { delay: 60, action, key: "last" });
    expect(repeat.status).toBe(200);

    const cancelled = await asAdmin(
      "DELETE",
      `/api/schedulers/${name}/events/${last.id}`,
    );
    expect(cancelled.status).toBe(204);
    expect((await schedule(name, { delay: 60, action })).status).toBe(201);
    expect((await schedule(name, { delay: 60, action })).status).toBe(409);
  });

  it("refuses to revive a dead event past the limit", async ({ expect }) => {
    const { name, stub } = newScheduler();
    await fill(stub, 1, "dead", Date.now());
    await fill(stub, MAX_PENDING, "pending", Date.now() + HOUR);
    const res = await asAdmin(
      "POST",
      `/api/schedulers/${name}/events/dead-1/retry`,
    );
    await expectError(expect, res, 409, "limit_exceeded");
    expect(await countByStatus(name)).toEqual({
      pending: MAX_PENDING,
      dead: 1,
    });
  });

  it("keeps done events 7 days, then prunes them and frees their key", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const action = increment(uniqueName("c"));
    const at = Date.now();
    const event = await scheduled(expect, name, { at, key: "once", action });
    const doneAt = Date.now();
    await runAlarm(name);
    const path = `/api/schedulers/${name}/events/${event.id}`;

    advanceTo(expect, doneAt + DONE_RETENTION_MS - 1);
    expect((await api(path, { headers: ADMIN })).status).toBe(200);
    const repeat = await schedule(name, { at, key: "once", action });
    expect(repeat.status).toBe(200);

    advanceTo(expect, doneAt + DONE_RETENTION_MS);
    expect((await api(path, { headers: ADMIN })).status).toBe(404);
    expect(await countByStatus(name)).toEqual({});
    const fresh = await schedule(name, { delay: 5, key: "once", action });
    expect(fresh.status).toBe(201);
  });

  it("prunes in bounded batches, oldest first, and never pending or dead events", async ({
    expect,
  }) => {
    const { name, stub } = newScheduler();
    const old = Date.now() - DONE_RETENTION_MS - 1;
    await fill(stub, 250, "done", old);
    await fill(stub, 2, "dead", old);
    await fill(stub, 2, "pending", Date.now() + HOUR);
    await dueNow(expect, name, increment(uniqueName("c")));
    expect(await countByStatus(name)).toEqual({
      done: 150,
      dead: 2,
      pending: 3,
    });
    await runAlarm(name);
    // The alarm prunes one batch and turns the due event into a fresh done one.
    expect(await countByStatus(name)).toEqual({
      done: 51,
      dead: 2,
      pending: 2,
    });
  });
});
