import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { asAdmin, uniqueName } from "../helpers/http";
import { newCounter, NOTHING_STORED, storedIn } from "../helpers/storage";
import { SCHEDULER_SCHEMA } from "../../src/scheduler/store";

// What the code before "tables on first write" left in every object it woke, a read included:
// the ledger at version 1 and the tables, created by its constructor. Frozen copies of those
// statements: never edit them, since deployed objects hold exactly this.
const LEGACY_LEDGER = `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
  INSERT INTO schema_migrations (version, applied_at) VALUES (1, 1767225600000);`;
const LEGACY_COUNTER = `CREATE TABLE counter (id INTEGER PRIMARY KEY CHECK (id = 0), value INTEGER NOT NULL);
  CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);`;
const LEGACY_CHAT = `CREATE TABLE messages (
    id INTEGER PRIMARY KEY, user TEXT NOT NULL, text TEXT NOT NULL, at INTEGER NOT NULL
  )`;

/** Writes `statements` into the object, then evicts it so the current code wakes on them. */
async function asLegacy(stub: DurableObjectStub, statements: string[]) {
  await runInDurableObject(stub, (_, state) => {
    for (const statement of statements) state.storage.sql.exec(statement);
  });
  await evictDurableObject(stub);
}

describe("objects the previous code wrote keep working", () => {
  it("reads, updates and deletes a counter that holds a value", async ({
    expect,
  }) => {
    const { name, stub } = newCounter("legacy");
    await asLegacy(stub, [
      LEGACY_LEDGER,
      LEGACY_COUNTER,
      "INSERT INTO counter (id, value) VALUES (0, 41)",
    ]);
    expect(await stub.get()).toEqual({ value: 41 });
    expect(await stub.increment({ idempotencyKey: "k" })).toEqual({
      value: 42,
    });
    expect(await stub.increment({ idempotencyKey: "k" })).toEqual({
      value: 42,
    });
    const res = await asAdmin("DELETE", `/api/counters/${name}`);
    expect(res.status).toBe(204);
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
  });

  it("replays an idempotency key stored before keys were bound to their request", async ({
    expect,
  }) => {
    const stub = env.COUNTER.getByName(uniqueName("legacy"));
    // The key row as the code before fingerprints wrote it: no record of the request.
    await asLegacy(stub, [
      LEGACY_LEDGER,
      LEGACY_COUNTER,
      "INSERT INTO counter (id, value) VALUES (0, 5)",
      `INSERT INTO idempotency_keys (key, value, expires_at) VALUES ('old', 5, ${Date.now() + 60_000})`,
    ]);
    // Nothing says what it was for, so it answers as it did: the stored value, nothing changed.
    expect(await stub.decrement({ by: 3, idempotencyKey: "old" })).toEqual({
      value: 5,
    });
    expect(await stub.get()).toEqual({ value: 5 });
    expect(await stub.increment({ by: 2, idempotencyKey: "new" })).toEqual({
      value: 7,
    });
    expect(
      await stub.increment({ by: 9, idempotencyKey: "new" }),
    ).toMatchObject({ failure: { code: "idempotency_key_reused" } });
  });

  it("answers a scheduler key stored before keys were bound to their request", async ({
    expect,
  }) => {
    const stub = env.SCHEDULER.getByName(uniqueName("legacy"));
    const runAt = Date.now() + 3_600_000;
    const action = { type: "counter.increment" as const, counter: "c", by: 1 };
    // Schema step 1 is append-only, so it is exactly what the older code created.
    await asLegacy(stub, [
      LEGACY_LEDGER,
      SCHEDULER_SCHEMA[0]!,
      `INSERT INTO events (id, key, run_at, action, status, created_at)
       VALUES ('old-event', 'old', ${runAt}, '${JSON.stringify(action)}', 'pending', 1)`,
    ]);
    expect(
      await stub.create({ runAt: 5, action, key: "old", fingerprint: "any" }),
    ).toMatchObject({ created: false, event: { id: "old-event", runAt } });
    await stub.create({ runAt, action, key: "new", fingerprint: "f" });
    expect(
      await stub.create({ runAt, action, key: "new", fingerprint: "g" }),
    ).toMatchObject({ failure: { code: "idempotency_key_reused" } });
  });

  it("writes to a counter whose empty tables a read created", async ({
    expect,
  }) => {
    const stub = env.COUNTER.getByName(uniqueName("legacy"));
    await asLegacy(stub, [LEGACY_LEDGER, LEGACY_COUNTER]);
    expect(await stub.get()).toEqual({ value: 0 });
    expect(await stub.increment({ by: 2 })).toEqual({ value: 2 });
  });

  it("pages and extends a room's history", async ({ expect }) => {
    const stub = env.CHAT_ROOM.getByName(uniqueName("legacy"));
    await asLegacy(stub, [
      LEGACY_LEDGER,
      LEGACY_CHAT,
      "INSERT INTO messages (user, text, at) VALUES ('ada', 'one', 1), ('ada', 'two', 2)",
    ]);
    const { messages } = await stub.history({});
    expect(messages.map((m) => m.text)).toEqual(["one", "two"]);
    expect(await stub.post({ user: "grace", text: "three" })).toMatchObject({
      id: 3,
    });
  });
});
