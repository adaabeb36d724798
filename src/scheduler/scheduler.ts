import { DurableObject } from "cloudflare:workers";
import { backoffMs } from "../shared/backoff";
import { nextCronRun } from "./cron";
import { firstRun } from "./run-time";
import { fail, type Failure } from "../shared/failure";
import { logObject } from "../shared/object-log";
import { Schema } from "../shared/sql-schema";
import { atIndex, keyReused, notFound, RolledBack, tooMany } from "./failures";
import {
  BATCH_SIZE,
  DONE_PRUNE_BATCH,
  DONE_RETENTION_MS,
  MAX_BATCH,
  MAX_ERROR_CHARS,
  MAX_EVENT_ATTEMPTS,
  MAX_EVENT_PAGE,
  MAX_PENDING,
} from "./limits";
import { runAction } from "./actions";
import type { ScheduledEvent } from "./event";
import type {
  CreatedMany,
  CreateManyOptions,
  Created,
  CreateOptions,
  EventPage,
  EventRef,
  ListOptions,
} from "./rpc";
import { SCHEDULER_SCHEMA, SchedulerStore, type DueEvent } from "./store";

/**
 * Any number of scheduled events on the single alarm an object has. Events wait in SQLite, the
 * alarm is always armed for the earliest pending one, and each alarm runs one bounded batch of
 * due events as RPCs to other objects, with retries, backoff and dead letters.
 */
export class Scheduler extends DurableObject<Env> {
  readonly #store: SchedulerStore;
  readonly #schema: Schema;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#schema = new Schema(ctx.storage, SCHEDULER_SCHEMA);
    this.#store = new SchedulerStore(ctx.storage.sql);
    // Repairs an alarm that is missing or wrong (restored storage, a crash between a write and
    // setAlarm, older code) on every wake, for one indexed read and a cached getAlarm; a
    // scheduler never written has nothing to repair and writes nothing.
    void ctx.blockConcurrencyWhile(() => this.#scheduleNextAlarm());
  }

  async create(options: CreateOptions): Promise<Created | Failure> {
    const now = Date.now();
    // Refused before anything is read or written, so a bad call creates no tables.
    const first = firstRun(options, now);
    if (typeof first !== "number") return first;
    const result = this.#schema.write(() => {
      // First, so a key whose done event has expired is free again.
      this.#prune(now);
      return this.#add(
        options,
        first,
        now,
        () => this.#store.pendingCount() < MAX_PENDING,
      );
    });
    if ("event" in result && result.created) await this.#scheduleNextAlarm();
    return result;
  }

  /**
   * Up to MAX_BATCH events, all or nothing, in one transaction: an item that cannot be added
   * rolls back the ones before it. Keys work as in `create`, within the batch too.
   */
  async createMany({
    events,
  }: CreateManyOptions): Promise<CreatedMany | Failure> {
    if (events.length < 1 || events.length > MAX_BATCH) {
      return fail("invalid_request", `give 1-${MAX_BATCH} events`);
    }
    const now = Date.now();
    const firsts: number[] = [];
    for (const [index, item] of events.entries()) {
      const first = firstRun(item, now);
      if (typeof first !== "number") return atIndex(first, index);
      firsts.push(first);
    }
    let result: CreatedMany;
    try {
      result = this.#schema.write(() => {
        this.#prune(now);
        let room = MAX_PENDING - this.#store.pendingCount();
        const added = events.map((item, index) => {
          const one = this.#add(item, firsts[index]!, now, () => room-- > 0);
          if ("failure" in one) throw new RolledBack(atIndex(one, index));
          return one;
        });
        return {
          events: added.map((one) => one.event),
          created: added.map((one) => one.created),
        };
      });
    } catch (error) {
      if (error instanceof RolledBack) return error.failure;
      throw error;
    }
    if (result.created.includes(true)) await this.#scheduleNextAlarm();
    return result;
  }

  get({ id }: EventRef): ScheduledEvent | Failure {
    if (!this.#schema.exists) return notFound(id);
    this.#prune(Date.now());
    return this.#store.get(id) ?? notFound(id);
  }

  list({ status = "pending", limit = 50, after }: ListOptions = {}): EventPage {
    if (!this.#schema.exists) return { events: [], next: null };
    this.#prune(Date.now());
    const size = Math.min(Math.max(1, Math.trunc(limit)), MAX_EVENT_PAGE);
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
    if (!this.#schema.exists || !this.#store.delete(id)) return notFound(id);
    await this.#scheduleNextAlarm();
    return { id };
  }

  /** A dead event back to pending, due now, with a fresh budget of attempts. */
  async retry({ id }: EventRef): Promise<ScheduledEvent | Failure> {
    const event = this.#schema.exists ? this.#store.get(id) : null;
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
    if (!this.#schema.exists) return;
    const now = Date.now();
    try {
      this.#prune(now);
      const due = this.#store.due(now, BATCH_SIZE);
      const succeeded = await Promise.all(due.map((event) => this.#run(event)));
      logObject(this.ctx, "info", "scheduler_alarm", {
        ran: due.length,
        failed: succeeded.filter((ok) => !ok).length,
        // The clock moves only across I/O, so this is the wait for the actions' RPCs.
        actionMs: Date.now() - now,
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

  /** Stores one new event, or finds the one its key names; `hasRoom` guards the pending limit. */
  #add(
    { cron, action, key, fingerprint }: CreateOptions,
    runAt: number,
    now: number,
    hasRoom: () => boolean,
  ): Created | Failure {
    const existing = key === undefined ? null : this.#store.byKey(key);
    if (existing) {
      const comparable =
        fingerprint !== undefined && existing.fingerprint !== null;
      return comparable && existing.fingerprint !== fingerprint
        ? keyReused(key!, existing.event.id)
        : { event: existing.event, created: false };
    }
    if (!hasRoom()) return tooMany();
    const event = this.#store.insert({
      id: crypto.randomUUID(),
      key,
      runAt,
      cron,
      action,
      createdAt: now,
      fingerprint: key === undefined ? undefined : fingerprint,
    });
    return { event, created: true };
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
      failures >= MAX_EVENT_ATTEMPTS ? null : now + backoffMs(failures),
    );
    return false;
  }

  /** The one place the alarm is set: the earliest pending event's time, or no alarm at all. */
  async #scheduleNextAlarm(fromAlarm = false): Promise<void> {
    const next = this.#schema.exists
      ? this.#store.earliestPendingRunAt()
      : null;
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
    this.#store.pruneDone(now - DONE_RETENTION_MS, DONE_PRUNE_BATCH);
  }
}
