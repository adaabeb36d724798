import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrate } from "../src/lib/schema";
import { uniqueName } from "./helpers/http";
import { meterSql } from "./helpers/sql-meter";

const STEPS = [
  "CREATE TABLE a (x INTEGER)",
  "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)",
];

// A Counter object is only a convenient SQLite database here; the steps use their own tables.
const database = () => env.COUNTER.getByName(uniqueName("schema"));

describe("schema migrator", () => {
  it("applies every step to a fresh database and records each", async () => {
    const rows = await runInDurableObject(database(), (_instance, state) => {
      state.storage.sql.exec("DROP TABLE schema_migrations");
      expect(migrate(state.storage, STEPS)).toBe(2);
      return state.storage.sql
        .exec("SELECT version FROM schema_migrations ORDER BY version")
        .toArray();
    });
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it("is a single-statement no-op when the schema is current", async () => {
    const stub = database();
    const cost = await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("DROP TABLE schema_migrations");
      migrate(state.storage, STEPS);
      return meterSql(state.storage, () => migrate(state.storage, STEPS));
    });
    expect(cost).toMatchObject({ result: 2, statements: 1, rowsWritten: 0 });
  });

  it("applies only the steps appended since the last run", async () => {
    const count = await runInDurableObject(database(), (_instance, state) => {
      state.storage.sql.exec("DROP TABLE schema_migrations");
      migrate(state.storage, STEPS.slice(0, 1));
      migrate(state.storage, STEPS);
      return state.storage.sql
        .exec<{ n: number }>("SELECT count(*) AS n FROM a")
        .one().n;
    });
    expect(count).toBe(1);
  });

  it("rolls a failing step back whole and refuses a schema newer than the code", async () => {
    await runInDurableObject(database(), (_instance, state) => {
      state.storage.sql.exec("DROP TABLE schema_migrations");
      expect(() =>
        migrate(state.storage, ["CREATE TABLE c (z)", "NOT SQL"]),
      ).toThrow();
      const tables = state.storage.sql
        .exec("SELECT name FROM sqlite_master WHERE name = 'c'")
        .toArray();
      expect(tables).toEqual([]);
      migrate(state.storage, STEPS);
      expect(() => migrate(state.storage, STEPS.slice(0, 1))).toThrow(
        /newer than this code/,
      );
    });
  });
});
