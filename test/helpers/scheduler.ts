import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { ExpectStatic } from "vitest";
import type { ScheduledEvent } from "../../src/scheduler/event";
import type { Scheduler } from "../../src/scheduler/scheduler";
import { ADMIN, api, postJson, uniqueName } from "./http";
import { tableNames } from "./storage";

export type { ScheduledEvent };
// The frozen clock is the counter's too (its shards and aggregate run on alarms).
export { advanceTo, useFrozenClock } from "./clock";

const DAY_MS = 24 * 60 * 60 * 1000;

export function newScheduler(prefix = "sched") {
  const name = uniqueName(prefix);
  return { name, stub: env.SCHEDULER.getByName(name) };
}

/**
 * Gives a scheduler its tables the way any first write does (one event created, then
 * cancelled), so a test can insert rows into them directly. A no-op once it has them.
 */
export async function withTables(
  stub: DurableObjectStub<Scheduler>,
): Promise<void> {
  const tables = await runInDurableObject(stub, (_, state) =>
    tableNames(state.storage),
  );
  if (tables.includes("events")) return;
  const created = await stub.create({
    runAt: Date.now() + DAY_MS,
    action: increment("unused"),
  });
  if (!("event" in created)) throw new Error(created.failure.message);
  await stub.cancel({ id: created.event.id });
}

export function schedule(
  scheduler: string,
  body: unknown,
  headers: Record<string, string> = ADMIN,
): Promise<Response> {
  return postJson(`/api/schedulers/${scheduler}/events`, body, headers);
}

/** Creates through the API and insists on 201. */
export async function scheduled(
  expect: ExpectStatic,
  scheduler: string,
  body: unknown,
): Promise<ScheduledEvent> {
  const res = await schedule(scheduler, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return res.json<ScheduledEvent>();
}

/** Creates an event due now through the API, with `key` when given. */
export function dueNow(
  expect: ExpectStatic,
  scheduler: string,
  action: unknown,
  key?: string,
): Promise<ScheduledEvent> {
  return scheduled(expect, scheduler, { at: Date.now(), key, action });
}

export async function eventOf(
  expect: ExpectStatic,
  scheduler: string,
  id: string,
): Promise<ScheduledEvent> {
  const res = await api(`/api/schedulers/${scheduler}/events/${id}`, {
    headers: ADMIN,
  });
  expect(res.status).toBe(200);
  return res.json<ScheduledEvent>();
}

export function alarmOf(scheduler: string): Promise<number | null> {
  return runInDurableObject(env.SCHEDULER.getByName(scheduler), (_, state) =>
    state.storage.getAlarm(),
  );
}

export function runAlarm(scheduler: string): Promise<boolean> {
  return runDurableObjectAlarm(env.SCHEDULER.getByName(scheduler));
}

/** Events per status, straight from the table; none while the scheduler has no tables. */
export function countByStatus(
  scheduler: string,
): Promise<Record<string, number>> {
  return runInDurableObject(env.SCHEDULER.getByName(scheduler), (_, state) =>
    !tableNames(state.storage).includes("events")
      ? {}
      : Object.fromEntries(
          state.storage.sql
            .exec<{ status: string; n: number }>(
              "SELECT status, count(*) AS n FROM events GROUP BY status",
            )
            .toArray()
            .map(({ status, n }) => [status, n]),
        ),
  );
}

export async function counterValue(counter: string): Promise<number> {
  return (await env.COUNTER.getByName(counter).get()).value;
}

export const increment = (counter: string, by = 1) => ({
  type: "counter.increment" as const,
  counter,
  by,
});
