import { DurableObject } from "cloudflare:workers";
import { fail, type Failure } from "../shared/failure";
import { Schema } from "../shared/sql-schema";
import type { ShardState } from "./reporting";
import { ShardReporter, type ShardOf } from "./shard-reporter";

/** Largest magnitude a counter may hold: beyond it JSON numbers lose integer precision. */
export const MAX_VALUE = Number.MAX_SAFE_INTEGER;
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The most expired idempotency keys one alarm deletes. */
const IDEMPOTENCY_PRUNE_BATCH = 500;

const SCHEMA = [
  `CREATE TABLE counter (id INTEGER PRIMARY KEY CHECK (id = 0), value INTEGER NOT NULL);
   CREATE TABLE idempotency_keys (
     key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);`,
  // Only a shard of a sharded counter writes its row: whom its alarm reports to.
  `CREATE TABLE shard_of (
     id INTEGER PRIMARY KEY CHECK (id = 0), counter TEXT NOT NULL, shard INTEGER NOT NULL
   );`,
  // What each key was first used for. Rows stored before this step keep NULL: they replay for
  // any request, as they did, and are pruned within 24 h.
  `ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT;`,
];

export type StepOptions = {
  /** Positive amount; the route validates its range. */
  by?: number;
  /**
   * Replays of the same key with the same request (operation and `by`) within 24 h return the
   * first result and change nothing; the same key with another request is refused.
   */
  idempotencyKey?: string;
  /** Set by the sharded route: this object is that shard, and reports to its aggregate. */
  shard?: ShardOf;
};

export type CounterValue = { value: number };

type Operation = "increment" | "decrement";

/**
 * What an idempotency key is bound to: the operation and its normalized body (`by` with its
 * default applied, so no body, `{}` and `{"by": 1}` are one request).
 */
const fingerprintOf = (operation: Operation, by: number) =>
  `${operation} by ${by}`;

function keyReused(first: string, now: string): Failure {
  return fail(
    "idempotency_key_reused",
    `this Idempotency-Key was first used for "${first}", not "${now}"; nothing changed: use a new key for a new request`,
  );
}

/** One counter per object. Every update is one atomic SQL statement: no read-then-write across an await. */
export class Counter extends DurableObject<Env> {
  readonly #schema: Schema;
  readonly #reporter: ShardReporter;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#schema = new Schema(ctx.storage, SCHEMA);
    this.#reporter = new ShardReporter(ctx, env);
  }

  /** A counter never written is 0, answered without creating anything. */
  get(): CounterValue {
    if (!this.#schema.exists) return { value: 0 };
    const row = this.ctx.storage.sql
      .exec<{ value: number }>("SELECT value FROM counter WHERE id = 0")
      .toArray()[0];
    return { value: row?.value ?? 0 };
  }

  async increment({ by = 1, idempotencyKey, shard }: StepOptions = {}): Promise<
    CounterValue | Failure
  > {
    const result = await this.#add("increment", by, idempotencyKey);
    if (shard && !("failure" in result)) await this.#reporter.written(shard);
    return result;
  }

  /** A shard's whole total for its aggregate's sweep: reads only, stores nothing. */
  shardState(): ShardState {
    return {
      total: this.get().value,
      through: Date.now(),
      written: this.#schema.exists,
    };
  }

  decrement({ by = 1, idempotencyKey }: StepOptions = {}): Promise<
    CounterValue | Failure
  > {
    return this.#add("decrement", by, idempotencyKey);
  }

  async #add(
    operation: Operation,
    by: number,
    idempotencyKey: string | undefined,
  ): Promise<CounterValue | Failure> {
    const delta = operation === "increment" ? by : -by;
    if (idempotencyKey === undefined)
      return this.#schema.writeStatement(() => this.#apply(delta));
    const now = Date.now();
    const fingerprint = fingerprintOf(operation, by);
    const result = this.#schema.write(() => {
      const seen = this.ctx.storage.sql
        .exec<{ value: number; fingerprint: string | null }>(
          "SELECT value, fingerprint FROM idempotency_keys WHERE key = ? AND expires_at > ?",
          idempotencyKey,
          now,
        )
        .toArray()[0];
      if (seen) {
        return seen.fingerprint === null || seen.fingerprint === fingerprint
          ? { value: seen.value }
          : keyReused(seen.fingerprint, fingerprint);
      }
      const applied = this.#apply(delta);
      if ("failure" in applied) return applied;
      this.ctx.storage.sql.exec(
        `INSERT OR REPLACE INTO idempotency_keys (key, value, expires_at, fingerprint)
         VALUES (?, ?, ?, ?)`,
        idempotencyKey,
        applied.value,
        now + IDEMPOTENCY_WINDOW_MS,
        fingerprint,
      );
      return applied;
    });
    await this.#armPruning(now + IDEMPOTENCY_WINDOW_MS);
    return result;
  }

  /** Deletes every table, row and the alarm: the object is as if never written. */
  async destroy(): Promise<void> {
    await this.#schema.deleteAll();
    this.#reporter.forget();
  }

  /**
   * A shard reports its total to its aggregate; then expired idempotency keys are pruned in
   * bounded batches, walking the expiry index.
   */
  override async alarm(): Promise<void> {
    if (!this.#schema.exists) return;
    const retryAt = await this.#reporter.report();
    // Deleted while the report was on its way: nothing is left to prune or to re-arm.
    if (!this.#schema.exists) return;
    const now = Date.now();
    this.ctx.storage.sql.exec(
      `DELETE FROM idempotency_keys WHERE key IN (
         SELECT key FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`,
      now,
      IDEMPOTENCY_PRUNE_BATCH,
    );
    const next = this.ctx.storage.sql
      .exec<{ expires_at: number }>(
        "SELECT expires_at FROM idempotency_keys ORDER BY expires_at LIMIT 1",
      )
      .toArray()[0];
    // A write during the report may have armed the next report: keep the earliest time.
    const armed = await this.ctx.storage.getAlarm();
    const times = [armed, next?.expires_at, retryAt].filter(
      (at): at is number => typeof at === "number",
    );
    if (times.length === 0) return;
    // Strictly in the future: an alarm set for "now" from inside alarm() may not fire again.
    const at = Math.max(Math.min(...times), now + 1);
    if (at !== armed) await this.ctx.storage.setAlarm(at);
  }

  /** The whole update is this statement: the range check and the write are atomic. */
  #apply(delta: number): CounterValue | Failure {
    const row = this.ctx.storage.sql
      .exec<{ value: number }>(
        `INSERT INTO counter (id, value) VALUES (0, ?1)
         ON CONFLICT (id) DO UPDATE SET value = value + ?1 WHERE abs(value + ?1) <= ?2
         RETURNING value`,
        delta,
        MAX_VALUE,
      )
      .toArray()[0];
    return (
      row ??
      fail(
        "out_of_range",
        `the result would leave the range ±${MAX_VALUE}; the value is unchanged`,
      )
    );
  }

  async #armPruning(at: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(at);
  }
}
