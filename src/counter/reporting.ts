// The timing and the messages between a sharded counter's shards and its aggregate.
// docs/scaling.md ("Reads from the aggregate") explains the bound and why asOf is honest.

/**
 * A shard reports this long after its first unreported write: every write in between rides in
 * the same report, so a busy shard costs the aggregate at most one report per second.
 */
export const REPORT_DELAY_MS = 1_000;

/**
 * The aggregate's sweep re-reads every shard it has not heard from for this long; it runs this
 * long after the newest report, so one sweep brings `asOf` past every report it has applied.
 */
export const SWEEP_AFTER_MS = 1_000;

/** Two sweeps are at least this far apart, however fast reports arrive. */
export const MIN_SWEEP_GAP_MS = 250;

/**
 * What the README promises: a write acknowledged at `t` is in the aggregate, with `asOf >= t`,
 * by `t + STALENESS_BOUND_MS` while alarms and calls succeed. The path is REPORT_DELAY_MS +
 * SWEEP_AFTER_MS (2 s); the rest is margin for late alarms and slow calls.
 */
export const STALENESS_BOUND_MS = 3_000;

/**
 * One shard's whole total at one moment: every write the shard acknowledged before `through`
 * (epoch ms, the shard's clock) is in `total`. A total, never a delta, so applying one twice, or
 * an older one after a newer one, changes nothing.
 */
export type ShardSnapshot = { shard: number; total: number; through: number };

/** What a shard sends its aggregate. `counter` lets the aggregate find the other shards. */
export type ShardReport = ShardSnapshot & { counter: string };

/** What a shard answers the aggregate's sweep; `written` is false for a shard with no tables. */
export type ShardState = { total: number; through: number; written: boolean };
