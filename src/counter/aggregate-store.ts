import type { ShardSnapshot } from "./reporting";

/** The aggregate's tables, as numbered schema steps (src/shared/sql-schema.ts). */
export const AGGREGATE_SCHEMA = [
  // total: the sum of shard_totals. as_of: every write acknowledged before it is in total; NULL
  // until a sweep has heard from every shard. shards: how many shards as_of covers.
  `CREATE TABLE aggregate (
     id INTEGER PRIMARY KEY CHECK (id = 0), counter TEXT NOT NULL, total INTEGER NOT NULL,
     as_of INTEGER, shards INTEGER NOT NULL, reported_through INTEGER NOT NULL
   );
   CREATE TABLE shard_totals (
     shard INTEGER PRIMARY KEY, total INTEGER NOT NULL, through INTEGER NOT NULL
   );`,
];

export type AggregateRow = {
  counter: string;
  total: number;
  as_of: number | null;
  shards: number;
  reported_through: number;
};

/** Every statement of a `CounterAggregate`; callers hold the transaction where one is needed. */
export class AggregateStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  row(): AggregateRow | undefined {
    return this.#sql
      .exec<AggregateRow>(
        "SELECT counter, total, as_of, shards, reported_through FROM aggregate WHERE id = 0",
      )
      .toArray()[0];
  }

  /** When each shard's held total was read, by shard. */
  heardFrom(): Map<number, number> {
    return new Map(
      this.#sql
        .exec<{
          shard: number;
          through: number;
        }>("SELECT shard, through FROM shard_totals")
        .toArray()
        .map((row) => [row.shard, row.through]),
    );
  }

  /**
   * Holds one shard's total if it is newer than the one held, and answers what it adds to the
   * sum (null when it is not newer). With `keepMoment` false (a sweep's read) a total that did
   * not change writes no row: its moment counts towards that sweep's asOf only.
   */
  hold(
    { shard, total, through }: ShardSnapshot,
    keepMoment: boolean,
  ): number | null {
    const held = this.#sql
      .exec<{ total: number; through: number }>(
        "SELECT total, through FROM shard_totals WHERE shard = ?",
        shard,
      )
      .toArray()[0];
    if (held && held.through >= through) return null;
    const delta = total - (held?.total ?? 0);
    if (!keepMoment && delta === 0) return 0;
    this.#sql.exec(
      `INSERT INTO shard_totals (shard, total, through) VALUES (?1, ?2, ?3)
       ON CONFLICT (shard) DO UPDATE SET total = ?2, through = ?3`,
      shard,
      total,
      through,
    );
    return delta;
  }

  /** After a report: the sum moves by `delta`; the newest report's moment is kept. */
  addReported(counter: string, delta: number, through: number): void {
    this.#sql.exec(
      `INSERT INTO aggregate (id, counter, total, as_of, shards, reported_through)
       VALUES (0, ?1, ?2, NULL, 0, ?3)
       ON CONFLICT (id) DO UPDATE SET
         total = total + ?2, reported_through = max(reported_through, ?3)`,
      counter,
      delta,
      through,
    );
  }

  addToTotal(delta: number): void {
    this.#sql.exec(
      "UPDATE aggregate SET total = total + ? WHERE id = 0",
      delta,
    );
  }

  /** asOf never moves back: an older moment from every shard is still true. */
  advanceAsOf(asOf: number, shards: number): void {
    this.#sql.exec(
      "UPDATE aggregate SET as_of = max(coalesce(as_of, 0), ?), shards = ? WHERE id = 0",
      asOf,
      shards,
    );
  }
}
