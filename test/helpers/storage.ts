import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { uniqueName } from "./http";

/** Every table, index and trigger in the object's SQLite file, the runtime's own included. */
export function tableNames(storage: DurableObjectStorage): string[] {
  return storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master ORDER BY name")
    .toArray()
    .map((row) => row.name);
}

/** What an object that holds nothing reports: no schema, one empty SQLite page, no alarm. */
export const NOTHING_STORED = { tables: [], databaseSize: 4096, alarm: null };

/** What an object holds: its schema, the size of its database and its alarm. */
export async function storedState(storage: DurableObjectStorage) {
  return {
    tables: tableNames(storage),
    databaseSize: storage.sql.databaseSize,
    alarm: await storage.getAlarm(),
  };
}

/** What the object behind `stub` holds now, read from inside it. */
export function storedIn(stub: DurableObjectStub) {
  return runInDurableObject(stub, (_, state) => storedState(state.storage));
}

/** A counter under a name no other test uses. */
export function newCounter(prefix: string) {
  const name = uniqueName(prefix);
  return { name, stub: env.COUNTER.getByName(name) };
}

/**
 * A counter holding `value`, set straight in its table: values no API call can reach in a test.
 * Its first write creates the table, as on any never-written counter.
 */
export async function seedCounter(name: string, value: number): Promise<void> {
  const stub = env.COUNTER.getByName(name);
  await stub.increment({});
  await runInDurableObject(stub, (_, state) => {
    state.storage.sql.exec("UPDATE counter SET value = ? WHERE id = 0", value);
  });
}
