import { DurableObject } from "cloudflare:workers";
import { backoffMs } from "../lib/backoff";
import { nextCronRun } from "../lib/cron";
import { fail, type Failure } from "../lib/errors";
import { logObject } from "../lib/object-log";
import { migrate } from "../lib/schema";
import { runAction, type Action } from "./scheduler-actions";
import {
  SCHEDULER_SCHEMA,
  SchedulerStore,
  type DueEvent,
  type EventStatus,
  type ScheduledEvent,
} from "./scheduler-store";

export type { ScheduledEvent } from "./scheduler-store";

/** Events one alarm invocation runs; more due ones get an alarm right after it. */
export const BATCH_SIZE = 50;
export const MAX_ATTEMPTS = 8;
export const MAX_PENDING = 10_000;
export const MAX_PAGE = 100;
export const DONE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const PRUNE_BATCH = 100;
const MAX_ERROR_CHARS = 500;

export type CreateOptions = {
  /** Epoch ms; a past time runs as soon as possible. Ignored when `cron` is given. */
  runAt?: number;
  /** 5-field cron, UTC: the event runs at every occurrence and stays pending. */
  cron?: string;
  action: Action;
  /** Unique per scheduler while the event exists: a repeat returns the existing event. */
  key?: string;
};
export type Created = { event: ScheduledEvent; created: boolean };
export type EventRef = { id: string };
export type Position = { runAt: number; id: string };
export type ListOptions = {
  status?: EventStatus;
  limit?: number;
  after?: Position;
};
export type EventPage = { events: ScheduledEvent[]; next: Position | null };

/**
 * Any number of scheduled events on the single alarm an object has. Events wait in SQLite, the
 * alarm is always armed for the earliest pending one, and each alarm runs one bounded batch of
 * due events as RPCs to other objects, with retries, backoff and dead letters.
 */
export class Scheduler extends DurableObject<Env> {
  readonly #store: SchedulerStore;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, SCHEDULER_SCHEMA);
    this.#store = new SchedulerStore(ctx.storage.sql);
    // Repairs an alarm that is missing or wrong (restored storage, a crash between a write and
    // setAlarm, older code) on every wake, for one indexed read and a cached getAlarm.
    void ctx.blockConcurrencyWhile(() => this.#scheduleNextAlarm());
  }

  async create({
    runAt,
    cron,
    action,
    key,
  }: CreateOptions): Promise<Created | Failure> {
    const now = Date.now();
    // First, so a key whose done event has expired is free again.
    this.#prune(now);
    const existing = key === undefined ? null : this.#store.byKey(key);
    if (existing) return { event: existing, created: false };
    const first = cron === undefined ? runAt : nextCronRun(cron, now);
    if (first === undefined || first === null || !Number.isSafeInteger(first)) {
      return fail(
        "invalid_request",
        "give runAt (epoch ms) or a cron expression that fires",
      );
    }
    if (this.#store.pendingCount() >= MAX_PENDING) return tooMany();
    const event = this.#store.insert({
      id: crypto.randomUUID(),
      key,
      runAt: first,
      cron,
      action,
      createdAt: now,
    });
    await this.#scheduleNextAlarm();
    return { event, created: true };
  }

  get({ id }: EventRef): ScheduledEvent | Failure {
    this.#prune(Date.now());
    return this.#store.get(id) ?? notFound(id);
  }

  list({ status = "pending", limit = 50, after }: ListOptions = {}): EventPage {
    this.#prune(Date.now());
    const size = Math.min(Math.max(1, Math.trunc(limit)), MAX_PAGE);
    const rows = this.#store.page(status, after ?? null, size + 1);
    const events = rows.slice(0, size);
    const last = events.at(-1);
    return {
      events,
      next:
        rows.length > size && last ? { runAt: last.runAt, id: last.id } : null,
    };
  }

  async cancel({ id }: EventRef): Promise<EventRef | Failure> {
    if (!this.#store.delete(id)) return notFound(id);
    await this.#scheduleNextAlarm();
    return { id };
  }

  /** A dead event back to pending, due now, with a fresh budget of attempts. */
  async retry({ id }: EventRef): Promise<ScheduledEvent | Failure> {
    const event = this.#store.get(id);
    if (!event) return notFound(id);
    if (event.status !== "dead") {
      return fail(
        "not_dead",
        `event ${id} is ${event.status}; only a dead event can be retried`,
      );
    }
    if (this.#store.pendingCount() >= MAX_PENDING) return tooMany();
    const revived = this.#store.revive(id, Date.now()) ?? notFound(id);
    await this.#scheduleNextAlarm();
    return revived;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    try {
      this.#prune(now);
      const due = this.#store.due(now, BATCH_SIZE);
      const succeeded = await Promise.all(due.map((event) => this.#run(event)));
      logObject(this.ctx, "info", "scheduler_alarm", {
        ran: due.length,
        failed: succeeded.filter((ok) => !ok).length,
      });
    } catch (error) {
      // Never rethrow: the platform retries a throwing alarm only a few times and then gives up,
      // which would leave every pending event waiting for some later write to re-arm it.
      logObject(this.ctx, "error", "scheduler_alarm_failed", {
        error: String(error),
      });
    }
    await this.#scheduleNextAlarm(true);
  }

  /** Runs one event and records the outcome; resolves to whether the action succeeded. */
  async #run(event: DueEvent): Promise<boolean> {
    // The same run always sends the same key, so a repeated delivery changes the counter once.
    const error = await runAction(
      this.env,
      event.action,
      `scheduler:${event.id}:${event.run}`,
    );
    const now = Date.now();
    if (error === null) {
      const next =
        event.cron === undefined
          ? null
          : nextCronRun(event.cron, Math.max(now, event.runAt));
      if (next === null) this.#store.markDone(event, now);
      else this.#store.advance(event, next);
      return true;
    }
    const failures = event.attempts + 1;
    this.#store.markFailed(
      event,
      error.slice(0, MAX_ERROR_CHARS),
      failures >= MAX_ATTEMPTS ? null : now + backoffMs(failures),
    );
    return false;
  }

  /** The one place the alarm is set: the earliest pending event's time, or no alarm at all. */
  async #scheduleNextAlarm(fromAlarm = false): Promise<void> {
    const next = this.#store.earliestPendingRunAt();
    const current = await this.ctx.storage.getAlarm();
    if (next === null) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
      return;
    }
    // Set from inside alarm(), a time at or before the one that fired can be dropped when the
    // handler returns, stranding every due event. Strictly in the future is always kept.
    // setAlarm refuses times <= 0, and an event may be due at epoch 0.
    const at = fromAlarm ? Math.max(next, Date.now() + 1) : Math.max(next, 1);
    if (at !== current) await this.ctx.storage.setAlarm(at);
  }

  #prune(now: number): void {
    this.#store.pruneDone(now - DONE_RETENTION_MS, PRUNE_BATCH);
  }
}

function notFound(id: string): Failure {
  return fail("not_found", `no event ${id} in this scheduler`);
}

function tooMany(): Failure {
  return fail(
    "limit_exceeded",
    `a scheduler holds at most ${MAX_PENDING} pending events; cancel some or let them run`,
  );
}
