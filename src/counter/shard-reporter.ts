import { backoffMs, type Backoff } from "../shared/backoff";
import { logObject } from "../shared/object-log";
import { REPORT_DELAY_MS, type ShardReport } from "./reporting";

/** Which sharded counter a `Counter` object is a shard of, and its index. */
export type ShardOf = { counter: string; index: number };

/** A failed report is retried by the shard's own alarm: after ~1 s, doubling, at most 1 min. */
const REPORT_RETRY: Backoff = { firstMs: 1_000, maxMs: 60_000 };

/**
 * The shard side of a sharded counter's aggregate: after a write, arm the object's one alarm
 * (at most REPORT_DELAY_MS ahead) so every write since the last report rides in one report of
 * the shard's whole total. The writer waits for no call: only the alarm talks to the aggregate.
 */
export class ShardReporter {
  readonly #ctx: DurableObjectState;
  readonly #env: Env;
  /** An alarm at most REPORT_DELAY_MS away is armed, and this instance knows its identity row. */
  #armed = false;
  #recorded = false;
  #failures = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    this.#ctx = ctx;
    this.#env = env;
  }

  /** After a write to this shard (its tables exist): make sure a report follows. */
  async written({ counter, index }: ShardOf): Promise<void> {
    if (!this.#recorded) {
      // An alarm that wakes a cold object cannot rely on ctx.id.name, so the shard keeps its
      // identity in a row: written once, 0 rows on every later first write of an instance.
      this.#ctx.storage.sql.exec(
        "INSERT OR IGNORE INTO shard_of (id, counter, shard) VALUES (0, ?, ?)",
        counter,
        index,
      );
      this.#recorded = true;
    }
    if (this.#armed) return;
    this.#armed = true;
    const due = Date.now() + REPORT_DELAY_MS;
    const armed = await this.#ctx.storage.getAlarm();
    if (armed === null || armed > due) await this.#ctx.storage.setAlarm(due);
  }

  /** After the object deleted its storage: the identity row went with it. */
  forget(): void {
    this.#recorded = false;
    this.#armed = false;
  }

  /**
   * Sends the shard's total to its aggregate; called first thing in the alarm. Answers when to
   * try again after a failure (null when sent, or when this counter is no shard). A write that
   * lands while the report is on its way arms a new alarm, because `#armed` is cleared before
   * the total is read.
   */
  async report(): Promise<number | null> {
    this.#armed = false;
    const sql = this.#ctx.storage.sql;
    const identity = sql
      .exec<{
        counter: string;
        shard: number;
      }>("SELECT counter, shard FROM shard_of WHERE id = 0")
      .toArray()[0];
    if (!identity) return null;
    const row = sql
      .exec<{ value: number }>("SELECT value FROM counter WHERE id = 0")
      .toArray()[0];
    const report: ShardReport = {
      counter: identity.counter,
      shard: identity.shard,
      total: row?.value ?? 0,
      through: Date.now(),
    };
    try {
      await this.#env.COUNTER_AGGREGATE.getByName(identity.counter).report(
        report,
      );
      this.#failures = 0;
      return null;
    } catch (error) {
      this.#failures++;
      const retryInMs = backoffMs(this.#failures, Math.random, REPORT_RETRY);
      logObject(this.#ctx, "warn", "shard_report_failed", {
        failures: this.#failures,
        retryInMs,
        error: error instanceof Error ? error.message : String(error),
      });
      return Date.now() + retryInMs;
    }
  }
}
