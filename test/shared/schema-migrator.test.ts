import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { Schema } from "../../src/shared/sql-schema";
import { uniqueName } from "../helpers/http";
import { meterSql } from "../helpers/sql-meter";
import { tableNames } from "../helpers/storage";

const STEPS = [
  "CREATE TABLE a (x INTEGER)",
  "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1)",
];

// A never-written Counter object is only a convenient empty SQLite database here.
const database = () => env.COUNTER.getByName(uniqueName("schema"));

const countOf = (sql: SqlStorage, table: string) =>
  sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;

describe("schema migrator", () => {
  it("reads an empty database without creating anything", async ({
    expect,
  }) => {
    const stub = database();
    const cost = await runInDurableObject(stub, (_instance, state) =>
      meterSql(state.storage, () => new Schema(state.storage, STEPS).exists),
    );
    expect(cost).toMatchObject({ result: false, rowsWritten: 0 });
    const tables = await runInDurableObject(stub, (_, state) =>
      tableNames(state.storage),
    );
    expect(tables).toEqual([]);
  });

  it("creates every step with the first write, in its transaction, and records each", async ({
    expect,
  }) => {
    const rows = await runInDurableObject(database(), (_instance, state) => {
      const schema = new Schema(state.storage, STEPS);
      schema.write(() => state.storage.sql.exec("INSERT INTO b VALUES (7)"));
      expect(schema.exists).toBe(true);
      expect(countOf(state.storage.sql, "b")).toBe(1);
      return state.storage.sql
        .exec("SELECT version FROM schema_migrations ORDER BY version")
        .toArray();
    });
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it("rolls the tables back with a first write that throws, and creates them with the next", async ({
    expect,
  }) => {
    await runInDurableObject(database(), (_instance, state) => {
      const schema = new Schema(state.storage, STEPS);
      expect(() =>
        schema.write(() => {
          throw new Error("write failed");
        }),
      ).toThrow("write failed");
      expect(schema.exists).toBe(false);
      expect(tableNames(state.storage)).toEqual([]);
      schema.write(() => state.storage.sql.exec("INSERT INTO b VALUES (1)"));
      expect(countOf(state.storage.sql, "b")).toBe(1);
    });
  });

  it("is a single-statement check with no write when the schema is current", async ({
    expect,
  }) => {
    const cost = await runInDurableObject(database(), (_instance, state) => {
      new Schema(state.storage, STEPS).write(() => {});
      return meterSql(state.storage, () => {
        const schema = new Schema(state.storage, STEPS);
        schema.write(() => {});
        return schema.exists;
      });
    });
    expect(cost).toMatchObject({ result: true, statements: 1, rowsWritten: 0 });
  });

  it("creates the tables with a first single statement in one transaction, and runs later ones without", async ({
    expect,
  }) => {
    await runInDurableObject(database(), (_instance, state) => {
      const storage = state.storage;
      const transactionSync = storage.transactionSync.bind(storage);
      let transactions = 0;
      storage.transactionSync = (closure) => {
        transactions++;
        return transactionSync(closure);
      };
      const schema = new Schema(storage, STEPS);
      expect(() =>
        schema.writeStatement(() =>
          storage.sql.exec("INSERT INTO nope VALUES (1)"),
        ),
      ).toThrow(/no such table/);
      expect(tableNames(storage)).toEqual([]);
      schema.writeStatement(() => storage.sql.exec("INSERT INTO b VALUES (1)"));
      schema.writeStatement(() => storage.sql.exec("INSERT INTO b VALUES (2)"));
      expect(countOf(storage.sql, "b")).toBe(2);
      expect(transactions).toBe(2);
    });
  });

  it("brings older tables up to date on wake, applying only the steps appended since", async ({
    expect,
  }) => {
    const count = await runInDurableObject(database(), (_instance, state) => {
      new Schema(state.storage, STEPS.slice(0, 1)).write(() => {});
      new Schema(state.storage, STEPS);
      return countOf(state.storage.sql, "a");
    });
    expect(count).toBe(1);
  });

  it("rolls a failing step back whole and refuses a schema newer than the code", async ({
    expect,
  }) => {
    await runInDurableObject(database(), (_instance, state) => {
      const broken = new Schema(state.storage, [
        "CREATE TABLE c (z)",
        "NOT SQL",
      ]);
      expect(() => broken.write(() => {})).toThrow();
      expect(tableNames(state.storage)).toEqual([]);
      new Schema(state.storage, STEPS).write(() => {});
      expect(() => new Schema(state.storage, STEPS.slice(0, 1))).toThrow(
        /newer than this code/,
      );
    });
  });

  it("deletes every table and forgets them, so the next write starts over", async ({
    expect,
  }) => {
    await runInDurableObject(database(), async (_instance, state) => {
      const schema = new Schema(state.storage, STEPS);
      schema.write(() => {});
      await schema.deleteAll();
      expect(schema.exists).toBe(false);
      expect(tableNames(state.storage)).toEqual([]);
      schema.write(() => {});
      expect(countOf(state.storage.sql, "a")).toBe(1);
    });
  });
});
