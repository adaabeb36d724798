import type { SchemaStep } from "../shared/sql-schema";
import type { Action, EventStatus, ScheduledEvent } from "./event";

/** A due event as the alarm sees it: `run` counts completed occurrences (cron) and, with `attempts`, versions the row. */
export type DueEvent = ScheduledEvent & { run: number };

type Row = {
  id: string;
  key: string | null;
  run_at: number;
  cron: string | null;
  action: string;
  status: EventStatus;
  attempts: number;
  run: number;
  last_error: string | null;
  created_at: number;
  fingerprint: string | null;
};

/**
 * (status, run_at, id) serves "earliest pending", "due now" and every listing page as index
 * range reads. The pending count is kept by triggers, so the 10 000 limit costs one row read
 * instead of a count over the index, and no code path can forget to update it.
 */
export const SCHEDULER_SCHEMA: readonly SchemaStep[] = [
  `CREATE TABLE events (
     id TEXT PRIMARY KEY,
     key TEXT UNIQUE,
     run_at INTEGER NOT NULL,
     cron TEXT,
     action TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'dead')),
     attempts INTEGER NOT NULL DEFAULT 0,
     run INTEGER NOT NULL DEFAULT 0,
     last_error TEXT,
     created_at INTEGER NOT NULL,
     done_at INTEGER
   ) WITHOUT ROWID;
   CREATE INDEX events_by_status_run_at ON events (status, run_at, id);
   CREATE INDEX events_done_by_time ON events (done_at) WHERE status = 'done';
   CREATE TABLE event_stats (id INTEGER PRIMARY KEY CHECK (id = 0), pending INTEGER NOT NULL);
   INSERT INTO event_stats (id, pending) VALUES (0, 0);
   CREATE TRIGGER events_count_insert AFTER INSERT ON events WHEN NEW.status = 'pending'
   BEGIN UPDATE event_stats SET pending = pending + 1; END;
   CREATE TRIGGER events_count_delete AFTER DELETE ON events WHEN OLD.status = 'pending'
   BEGIN UPDATE event_stats SET pending = pending - 1; END;
   CREATE TRIGGER events_count_update AFTER UPDATE OF status ON events
   WHEN OLD.status <> NEW.status
   BEGIN
     UPDATE event_stats
     SET pending = pending + (NEW.status = 'pending') - (OLD.status = 'pending');
   END;`,
  // The request a keyed event was created by. Events stored before this step keep NULL.
  `ALTER TABLE events ADD COLUMN fingerprint TEXT;`,
];

export type NewEvent = {
  id: string;
  key?: string;
  runAt: number;
  cron?: string;
  action: Action;
  createdAt: number;
  fingerprint?: string;
};

/** The events table. Every statement is one indexed read or write; nothing scans. */
export class SchedulerStore {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  insert(event: NewEvent): ScheduledEvent {
    return toEvent(
      this.#sql
        .exec<Row>(
          `INSERT INTO events (id, key, run_at, cron, action, status, created_at, fingerprint)
           VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING *`,
          event.id,
          event.key ?? null,
          event.runAt,
          event.cron ?? null,
          JSON.stringify(event.action),
          event.createdAt,
          event.fingerprint ?? null,
        )
        .one(),
    );
  }

  get(id: string): ScheduledEvent | null {
    return this.#first("SELECT * FROM events WHERE id = ?", id);
  }

  /** The event a key names, with the fingerprint of the request that created it. */
  byKey(
    key: string,
  ): { event: ScheduledEvent; fingerprint: string | null } | null {
    const row = this.#sql
      .exec<Row>("SELECT * FROM events WHERE key = ?", key)
      .toArray()[0];
    return row ? { event: toEvent(row), fingerprint: row.fingerprint } : null;
  }

  pendingCount(): number {
    return this.#sql
      .exec<{ pending: number }>("SELECT pending FROM event_stats WHERE id = 0")
      .one().pending;
  }

  earliestPendingRunAt(): number | null {
    const row = this.#sql
      .exec<{ run_at: number }>(
        "SELECT run_at FROM events WHERE status = 'pending' ORDER BY run_at LIMIT 1",
      )
      .toArray()[0];
    return row?.run_at ?? null;
  }

  due(nowMs: number, limit: number): DueEvent[] {
    return this.#sql
      .exec<Row>(
        `SELECT * FROM events WHERE status = 'pending' AND run_at <= ?
         ORDER BY run_at, id LIMIT ?`,
        nowMs,
        limit,
      )
      .toArray()
      .map((row) => ({ ...toEvent(row), run: row.run }));
  }

  /** One page ordered by (runAt, id), strictly after `after`. */
  page(
    status: EventStatus,
    after: { runAt: number; id: string } | null,
    limit: number,
  ): ScheduledEvent[] {
    return this.#sql
      .exec<Row>(
        `SELECT * FROM events WHERE status = ? AND (run_at, id) > (?, ?)
         ORDER BY run_at, id LIMIT ?`,
        status,
        after?.runAt ?? -1,
        after?.id ?? "",
        limit,
      )
      .toArray()
      .map(toEvent);
  }

  // The writes below only apply to the exact version of the row the alarm read (same run, same
  // attempts, still pending), so a duplicate or overlapping run can never record an outcome twice.

  markDone(event: DueEvent, nowMs: number): void {
    this.#sql.exec(
      `UPDATE events SET status = 'done', attempts = attempts + 1, done_at = ?
       WHERE id = ? AND status = 'pending' AND run = ? AND attempts = ?`,
      nowMs,
      event.id,
      event.run,
      event.attempts,
    );
  }

  /** A cron event's next occurrence: a new run, with its own attempts. */
  advance(event: DueEvent, nextRunAt: number): void {
    this.#sql.exec(
      `UPDATE events SET run = run + 1, attempts = 0, run_at = ?
       WHERE id = ? AND status = 'pending' AND run = ? AND attempts = ?`,
      nextRunAt,
      event.id,
      event.run,
      event.attempts,
    );
  }

  /** Records a failed attempt: retried at `retryAt`, or dead when `retryAt` is null. */
  markFailed(event: DueEvent, error: string, retryAt: number | null): void {
    this.#sql.exec(
      `UPDATE events
       SET attempts = attempts + 1, last_error = ?, run_at = coalesce(?, run_at),
           status = CASE WHEN ? IS NULL THEN 'dead' ELSE 'pending' END
       WHERE id = ? AND status = 'pending' AND run = ? AND attempts = ?`,
      error,
      retryAt,
      retryAt,
      event.id,
      event.run,
      event.attempts,
    );
  }

  /** A dead event back to pending, due at `nowMs`, with a fresh budget of attempts. */
  revive(id: string, nowMs: number): ScheduledEvent | null {
    return this.#first(
      `UPDATE events SET status = 'pending', attempts = 0, run_at = ?
       WHERE id = ? AND status = 'dead' RETURNING *`,
      nowMs,
      id,
    );
  }

  delete(id: string): boolean {
    return (
      this.#sql
        .exec("DELETE FROM events WHERE id = ? RETURNING id", id)
        .toArray().length > 0
    );
  }

  /** Deletes at most `limit` events that finished at or before `beforeMs`, oldest first. */
  pruneDone(beforeMs: number, limit: number): number {
    // Without statistics the planner prefers (status, run_at) here and sorts every done event
    // on each call; INDEXED BY keeps this a range read of at most `limit` rows.
    return this.#sql
      .exec(
        `DELETE FROM events WHERE id IN (
           SELECT id FROM events INDEXED BY events_done_by_time
           WHERE status = 'done' AND done_at <= ? ORDER BY done_at LIMIT ?)
         RETURNING id`,
        beforeMs,
        limit,
      )
      .toArray().length;
  }

  #first(query: string, ...bindings: SqlStorageValue[]): ScheduledEvent | null {
    const row = this.#sql.exec<Row>(query, ...bindings).toArray()[0];
    return row ? toEvent(row) : null;
  }
}

function toEvent(row: Row): ScheduledEvent {
  return {
    id: row.id,
    ...(row.key === null ? {} : { key: row.key }),
    runAt: row.run_at,
    ...(row.cron === null ? {} : { cron: row.cron }),
    action: JSON.parse(row.action) as Action,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    createdAt: row.created_at,
  };
}
