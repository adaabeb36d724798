/**
 * Numbered, append-only schema steps for a Durable Object's SQLite database.
 *
 * `PRAGMA user_version` is not available in Durable Object SQLite, so applied steps are recorded
 * in a table. On a wake where the schema is current this costs one indexed read; a missing table
 * (a brand-new object) is the only case that takes the slow path.
 */
export type SchemaStep = string;

const LEDGER = "schema_migrations";

export function migrate(
  storage: DurableObjectStorage,
  steps: readonly SchemaStep[],
): number {
  const current = currentVersion(storage.sql);
  if (current > steps.length) {
    // Rolled-back code meeting a newer schema: refuse rather than guess.
    throw new Error(
      `schema is at version ${current}, newer than this code (${steps.length})`,
    );
  }
  if (current === steps.length) return current;
  storage.transactionSync(() => {
    if (current === 0) {
      storage.sql.exec(
        `CREATE TABLE IF NOT EXISTS ${LEDGER} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`,
      );
    }
    for (let version = current + 1; version <= steps.length; version++) {
      storage.sql.exec(steps[version - 1]!);
      storage.sql.exec(
        `INSERT INTO ${LEDGER} (version, applied_at) VALUES (?, ?)`,
        version,
        Date.now(),
      );
    }
  });
  return steps.length;
}

/**
 * Deletes all of an object's data and its alarm (deleteAll covers alarms since the 2026-02-24
 * compatibility date), then recreates the empty schema: the live instance may serve another
 * call before it is evicted, and its constructor will not run again until then.
 */
export async function wipe(
  storage: DurableObjectStorage,
  steps: readonly SchemaStep[],
): Promise<void> {
  await storage.deleteAll();
  migrate(storage, steps);
}

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
