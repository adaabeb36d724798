/**
 * Numbered, append-only schema steps for a Durable Object's SQLite database, created with the
 * object's first write and never by a read.
 *
 * On Cloudflare an object that has stored anything is kept, and billed, until it deletes
 * everything; one that never wrote is not. So a read of a name nobody has written must write
 * nothing: the tables are created inside the transaction of the first write, and reads of an
 * object without them answer the empty state.
 *
 * `PRAGMA user_version` is not available in Durable Object SQLite, so applied steps are recorded
 * in a table, which doubles as the "this object has its tables" marker. Objects written by
 * earlier versions of this code have it too.
 */
export type SchemaStep = string;

const LEDGER = "schema_migrations";

export class Schema {
  readonly #storage: DurableObjectStorage;
  readonly #steps: readonly SchemaStep[];
  #version: number;

  /**
   * Reads the applied version: one indexed read, no write. An object whose tables predate some
   * steps is brought up to date here (it already holds storage, so this creates nothing new).
   * Throws when the schema is newer than the code: rolled-back code must not guess.
   */
  constructor(storage: DurableObjectStorage, steps: readonly SchemaStep[]) {
    this.#storage = storage;
    this.#steps = steps;
    this.#version = currentVersion(storage.sql);
    if (this.#version > steps.length) {
      throw new Error(
        `schema is at version ${this.#version}, newer than this code (${steps.length})`,
      );
    }
    if (this.exists && this.#version < steps.length) {
      storage.transactionSync(() => this.#apply());
    }
  }

  /** Whether the tables exist. Without them every read answers the empty state. */
  get exists(): boolean {
    return this.#version > 0;
  }

  /**
   * Runs `write` in one transaction with the creation of any missing tables: both are stored,
   * or neither is. Every write that can be an object's first goes through here.
   */
  write<T>(write: () => T): T {
    const before = this.#version;
    try {
      return this.#storage.transactionSync(() => {
        this.#apply();
        return write();
      });
    } catch (error) {
      // The rollback took the tables with it.
      this.#version = before;
      throw error;
    }
  }

  /**
   * For a write that needs no transaction of its own: one SQL statement (atomic by itself), or
   * statements where a failure between them leaves nothing wrong. Once the tables exist it runs
   * as is; the transaction, and its cost on every call, is only needed when the tables are
   * created with it.
   */
  writeStatement<T>(statement: () => T): T {
    return this.#version === this.#steps.length
      ? statement()
      : this.write(statement);
  }

  /**
   * Deletes every table, row and the alarm (`deleteAll` includes the alarm from compatibility
   * date 2026-02-24), and creates nothing, so the platform can drop the object. This instance
   * may serve more calls before it is evicted: the next write creates the tables again.
   */
  async deleteAll(): Promise<void> {
    await this.#storage.deleteAll();
    this.#version = 0;
  }

  #apply(): void {
    if (this.#version === this.#steps.length) return;
    const sql = this.#storage.sql;
    if (this.#version === 0) {
      sql.exec(
        `CREATE TABLE IF NOT EXISTS ${LEDGER} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`,
      );
    }
    for (
      let version = this.#version + 1;
      version <= this.#steps.length;
      version++
    ) {
      sql.exec(this.#steps[version - 1]!);
      sql.exec(
        `INSERT INTO ${LEDGER} (version, applied_at) VALUES (?, ?)`,
        version,
        Date.now(),
      );
    }
    this.#version = this.#steps.length;
  }
}

/** A missing ledger is version 0: the query fails without creating anything. */
function currentVersion(sql: SqlStorage): number {
  try {
    const row = sql
      .exec<{ version: number | null }>(
        `SELECT max(version) AS version FROM ${LEDGER}`,
      )
      .one();
    return row.version ?? 0;
  } catch (error) {
    if (error instanceof Error && error.message.includes("no such table"))
      return 0;
    throw error;
  }
}
