import type { SchemaStep } from "../shared/sql-schema";
import { MAX_HISTORY_PAGE, type ChatMessage } from "./protocol";

/**
 * `id` is the INTEGER PRIMARY KEY, i.e. the rowid: new ids are max(id) + 1, so they increase,
 * and the table's own b-tree is the index every page and every prune walks. No other index, so
 * storing a message writes one row.
 */
export const CHAT_SCHEMA: readonly SchemaStep[] = [
  `CREATE TABLE messages (
     id INTEGER PRIMARY KEY, user TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL
   )`,
];

export const DEFAULT_HISTORY_LIMIT = 10_000;
/** The most rows one prune deletes; catches up over later posts if the limit is ever lowered. */
export const HISTORY_PRUNE_BATCH = 100;

export type PageOptions = { limit?: number; before?: number; after?: number };

export type HistoryOptions = { keep: number; pruneBatch?: number };

/** The configured retention (CHAT_HISTORY_LIMIT), or the default when unset or not a positive integer. */
export function historyLimit(env: { CHAT_HISTORY_LIMIT?: string }): number {
  const keep = Number(env.CHAT_HISTORY_LIMIT);
  return Number.isSafeInteger(keep) && keep >= 1 ? keep : DEFAULT_HISTORY_LIMIT;
}

/** A room's messages in SQLite. Synchronous throughout: no await can split a write. */
export class ChatHistory {
  readonly #sql: SqlStorage;
  readonly #keep: number;
  readonly #pruneBatch: number;

  constructor(
    sql: SqlStorage,
    { keep, pruneBatch = HISTORY_PRUNE_BATCH }: HistoryOptions,
  ) {
    this.#sql = sql;
    this.#keep = keep;
    this.#pruneBatch = pruneBatch;
  }

  /** Stores a message and prunes what falls out of retention (a prune left undone is caught up next time). */
  append(user: string, text: string, at: number): ChatMessage {
    const { id } = this.#sql
      .exec<{ id: number }>(
        "INSERT INTO messages (user, text, at) VALUES (?, ?, ?) RETURNING id",
        user,
        text,
        at,
      )
      .one();
    this.#prune(id);
    return { id, user, text, at };
  }

  /**
   * Oldest first. Without `after`: the newest `limit` messages older than `before`. With `after`:
   * the oldest `limit` messages newer than it (and older than `before`). Either way one range
   * scan on the primary key that stops after `limit` rows.
   */
  page({ limit = 50, before, after }: PageOptions = {}): ChatMessage[] {
    const rows = Math.min(
      Math.max(Math.trunc(limit) || 1, 1),
      MAX_HISTORY_PAGE,
    );
    const upper = before ?? Number.MAX_SAFE_INTEGER;
    if (after !== undefined) {
      return this.#sql
        .exec<ChatMessage>(
          "SELECT id, user, text, at FROM messages WHERE id > ? AND id < ? ORDER BY id LIMIT ?",
          after,
          upper,
          rows,
        )
        .toArray();
    }
    return this.#sql
      .exec<ChatMessage>(
        "SELECT id, user, text, at FROM messages WHERE id < ? ORDER BY id DESC LIMIT ?",
        upper,
        rows,
      )
      .toArray()
      .reverse();
  }

  /**
   * Ids are contiguous (only the oldest are ever deleted), so "the last `keep`" is the id range
   * above `newest - keep`. At the limit this deletes one row per message; after a lowered limit
   * it deletes at most `pruneBatch` per message until caught up, so no statement is unbounded.
   */
  #prune(newest: number): void {
    const cutoff = newest - this.#keep;
    if (cutoff < 1) return;
    this.#sql.exec(
      `DELETE FROM messages WHERE id IN (
         SELECT id FROM messages WHERE id <= ? ORDER BY id LIMIT ?)`,
      cutoff,
      this.#pruneBatch,
    );
  }
}
