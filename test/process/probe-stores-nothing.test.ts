import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { test } from "node:test";
import { startDev } from "./wrangler-dev.ts";

const TEMPLATE_TABLES = [
  "schema_migrations",
  "counter",
  "idempotency_keys",
  "shard_of",
  "aggregate",
  "shard_totals",
  "messages",
  "events",
  "event_stats",
];

/** Every object's SQLite file `wrangler dev` persisted for a class, with the tables it holds. */
async function persistedObjects(
  persistTo: string,
  className: string,
): Promise<Map<string, string[]>> {
  const root = join(persistTo, "v3", "do");
  const dirs = (await readdir(root)).filter((dir) =>
    dir.endsWith(`-${className}`),
  );
  const objects = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const file of await readdir(join(root, dir))) {
      if (!file.endsWith(".sqlite")) continue;
      const db = new DatabaseSync(join(root, dir, file), { readOnly: true });
      try {
        const rows = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
          .all() as { name: string }[];
        objects.set(
          file,
          rows.map((row) => row.name),
        );
      } finally {
        db.close();
      }
    }
  }
  return objects;
}

const templateTables = (tables: string[]) =>
  tables.filter((name) => TEMPLATE_TABLES.includes(name));

// The probe a new user would run: reads of random names on a fresh state directory. On
// Cloudflare an object that stored anything is kept and billed for good.
test("reads of new names leave no template tables in the persisted objects", async () => {
  const persistTo = await mkdtemp(join(tmpdir(), "probe-state-"));
  try {
    const server = await startDev({ persistTo, logLevel: "warn" });
    try {
      const get = async (path: string) => {
        const res = await fetch(`${server.url}${path}`);
        assert.equal(res.status, 200, `${path}: ${await res.text()}`);
      };
      const random = () => crypto.randomUUID().slice(0, 8);
      for (let i = 0; i < 20; i++) {
        await get(`/api/counters/probe-${random()}`);
        await get(`/api/rooms/probe-${random()}`);
        await get(`/api/rooms/probe-${random()}/messages`);
      }
      await get(`/api/sharded-counters/probe-${random()}`);
      await get(`/api/sharded-counters/probe-${random()}?consistent=true`);
      await get(`/api/schedulers/probe-${random()}/events`);
      // One real write, so the test knows where the tables of a written object land.
      const write = await fetch(
        `${server.url}/api/counters/written/increment`,
        {
          method: "POST",
        },
      );
      assert.equal(write.status, 200);
    } finally {
      await server.stop();
    }
    const counters = await persistedObjects(persistTo, "Counter");
    const withTables = [...counters.values()]
      .map(templateTables)
      .filter((tables) => tables.length > 0);
    assert.deepEqual(
      withTables,
      [["schema_migrations", "counter", "idempotency_keys", "shard_of"]],
      "only the written counter holds tables",
    );
    for (const className of ["ChatRoom", "Scheduler", "CounterAggregate"]) {
      for (const [file, tables] of await persistedObjects(persistTo, className))
        assert.deepEqual(templateTables(tables), [], `${className} ${file}`);
    }
  } finally {
    await rm(persistTo, { recursive: true, force: true });
  }
});
