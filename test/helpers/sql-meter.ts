import { runInDurableObject } from "cloudflare:test";

/** Rows read and written, counted from the SQL cursors of everything `run` executes. */
export type SqlCost = {
  statements: number;
  rowsRead: number;
  rowsWritten: number;
};

/** `meterSql` inside the object behind `stub`, given its instance and state. */
export function meterIn<O extends Rpc.DurableObjectBranded, T>(
  stub: DurableObjectStub<O>,
  run: (instance: O, state: DurableObjectState) => T | Promise<T>,
) {
  return runInDurableObject(stub, (instance: O, state) =>
    meterSql(state.storage, () => run(instance, state)),
  );
}

export async function meterSql<T>(
  storage: DurableObjectStorage,
  run: () => T | Promise<T>,
): Promise<SqlCost & { result: T }> {
  const sql = storage.sql;
  const own = Object.getOwnPropertyDescriptor(sql, "exec");
  const exec = sql.exec.bind(sql);
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  sql.exec = ((query: string, ...bindings: unknown[]) => {
    const cursor = exec(query, ...bindings);
    cursors.push(cursor);
    return cursor;
  }) as typeof sql.exec;
  try {
    const result = await run();
    return {
      result,
      statements: cursors.length,
      rowsRead: cursors.reduce((sum, cursor) => sum + cursor.rowsRead, 0),
      rowsWritten: cursors.reduce((sum, cursor) => sum + cursor.rowsWritten, 0),
    };
  } finally {
    if (own) Object.defineProperty(sql, "exec", own);
    else delete (sql as Partial<SqlStorage>).exec;
  }
}
