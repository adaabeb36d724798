import { DurableObject } from "cloudflare:workers";
import { backoffMs, type Backoff } from "../shared/backoff";
import { logObject } from "../shared/object-log";
import { Schema } from "../shared/sql-schema";
import { AGGREGATE_SCHEMA, AggregateStore } from "./aggregate-store";
import {
  MIN_SWEEP_GAP_MS,
  SWEEP_AFTER_MS,
  type ShardReport,
  type ShardState,
} from "./reporting";
import { shardCount, shardName } from "./shards";

/** A sweep that could not reach a shard tries again after ~1 s, doubling, at most 1 min. */
const SWEEP_RETRY: Backoff = { firstMs: 1_000, maxMs: 60_000 };

export type AggregateValue = { value: number; asOf: number };

export type ReadOptions = {
  /** The shard count the caller sums over; the aggregate answers only if it covers as many. */
  shards?: number;
};

/**
 * One per sharded counter: the sum of its shards' totals, so a read costs one object at any
 * shard count. Shards report their totals by alarm; this object's alarm (the sweep) re-reads
 * the shards it has not heard from lately, and only then moves `asOf`, so `asOf` only ever
 * rests on totals read from every shard (docs/scaling.md). The shards keep the truth: this
 * object can be deleted or lost and is rebuilt by its next sweep.
 */
export class CounterAggregate extends DurableObject<Env> {
  readonly #schema: Schema;
  readonly #store: AggregateStore;
  /** Bumped by destroy(), so a sweep that was waiting on the shards writes nothing after it. */
  #generation = 0;
  /** When this instance last armed the sweep (null: unknown, ask the alarm). */
  #sweepAt: number | null = null;
  #sweepFailures = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#schema = new Schema(ctx.storage, AGGREGATE_SCHEMA);
    this.#store = new AggregateStore(ctx.storage.sql);
  }

  /** The sum and its asOf, or null when no sweep covers `shards` shards yet (sum them instead). */
  read({
    shards = shardCount(this.env),
  }: ReadOptions = {}): AggregateValue | null {
    if (!this.#schema.exists) return null;
    const row = this.#store.row();
    if (!row || row.as_of === null || row.shards < shards) return null;
    return { value: row.total, asOf: row.as_of };
  }

  /** A shard's total from its alarm. Applied once in effect: an older or repeated one is ignored. */
  async report({ counter, ...snapshot }: ShardReport): Promise<void> {
    const applied = this.#schema.write(() => {
      const delta = this.#store.hold(snapshot, true);
      if (delta !== null)
        this.#store.addReported(counter, delta, snapshot.through);
      return delta !== null;
    });
    if (applied) await this.#armSweep(snapshot.through + SWEEP_AFTER_MS);
  }

  /** Deletes every table, row and the alarm; the shards are the route's to delete. */
  async destroy(): Promise<void> {
    this.#generation++;
    this.#sweepAt = null;
    await this.#schema.deleteAll();
  }

  /**
   * The sweep: reads every shard not heard from in the last SWEEP_AFTER_MS (all of them, for a
   * new or rebuilt aggregate), applies what changed, and moves `asOf` to the oldest moment it
   * now has a total for, from every shard. Runs again while reports are newer than `asOf`.
   */
  override async alarm(): Promise<void> {
    if (!this.#schema.exists) return;
    this.#sweepAt = null;
    const generation = this.#generation;
    const started = Date.now();
    const count = shardCount(this.env);
    const meta = this.#store.row();
    if (!meta) return;
    const heard = this.#store.heardFrom();
    // A new or rebuilt aggregate reads every shard once: a report it was made by may be the
    // late report of a shard deleted since.
    const stale = Array.from({ length: count }, (_, shard) => shard).filter(
      (shard) =>
        meta.as_of === null ||
        (heard.get(shard) ?? -Infinity) < started - SWEEP_AFTER_MS,
    );
    const pulls = await Promise.allSettled(
      stale.map((shard) =>
        this.env.COUNTER.getByName(shardName(meta.counter, shard)).shardState(),
      ),
    );
    if (generation !== this.#generation || !this.#schema.exists) return;

    let oldest = Infinity;
    let failed = 0;
    let written = 0;
    this.ctx.storage.transactionSync(() => {
      for (let shard = 0; shard < count; shard++) {
        const at = stale.indexOf(shard);
        if (at < 0) {
          oldest = Math.min(oldest, heard.get(shard)!);
          continue;
        }
        const pull = pulls[at]!;
        if (pull.status === "rejected") {
          failed++;
          continue;
        }
        const state: ShardState = pull.value;
        if (state.written) written++;
        oldest = Math.min(oldest, state.through);
        const delta = this.#store.hold({ shard, ...state }, false);
        if (delta) this.#store.addToTotal(delta);
      }
      if (failed === 0) this.#store.advanceAsOf(oldest, count);
    });
    if (failed === 0 && written === 0 && stale.length === count) {
      // Every shard is empty (a late report of a deleted counter made this object): hold nothing.
      await this.destroy();
      return;
    }
    await this.#rearm(started, failed, pulls);
  }

  async #armSweep(at: number): Promise<void> {
    if (this.#sweepAt !== null && this.#sweepAt <= at) return;
    this.#sweepAt = at;
    const armed = await this.ctx.storage.getAlarm();
    if (armed === null || armed > at) await this.ctx.storage.setAlarm(at);
    else this.#sweepAt = armed;
  }

  /** The next sweep: after a failure, backing off; else while a report is newer than asOf. */
  async #rearm(
    started: number,
    failed: number,
    pulls: PromiseSettledResult<unknown>[],
  ): Promise<void> {
    const now = Date.now();
    let next: number | null = null;
    if (failed > 0) {
      this.#sweepFailures++;
      const retryInMs = backoffMs(
        this.#sweepFailures,
        Math.random,
        SWEEP_RETRY,
      );
      const reason = pulls.find((pull) => pull.status === "rejected");
      logObject(this.ctx, "warn", "aggregate_sweep_failed", {
        failed,
        retryInMs,
        error: String(reason?.status === "rejected" ? reason.reason : ""),
      });
      next = now + retryInMs;
    } else {
      this.#sweepFailures = 0;
      const row = this.#store.row();
      if (row && row.as_of !== null && row.as_of < row.reported_through)
        next = Math.max(
          started + MIN_SWEEP_GAP_MS,
          row.reported_through + SWEEP_AFTER_MS,
        );
    }
    // A report during the sweep may have armed the next one: keep the earliest time.
    const armed = await this.ctx.storage.getAlarm();
    const times = [armed, next].filter(
      (at): at is number => typeof at === "number",
    );
    if (times.length === 0) return;
    // Strictly in the future: an alarm set for "now" from inside alarm() may not fire again.
    const at = Math.max(Math.min(...times), now + 1);
    if (at !== armed) await this.ctx.storage.setAlarm(at);
    this.#sweepAt = at;
  }
}
