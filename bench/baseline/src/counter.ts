import { DurableObject } from "cloudflare:workers";

/** A counter in one SQL row: one upsert per increment, nothing else. */
export class BaselineCounter extends DurableObject<unknown> {
  // Reads no bindings, so it names no Env and imports nothing from the Worker that binds it.
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)",
    );
  }

  get(): number {
    const row = this.ctx.storage.sql
      .exec<{ value: number }>("SELECT value FROM counter WHERE id = 0")
      .toArray()[0];
    return row?.value ?? 0;
  }

  increment(by: number): number {
    return this.ctx.storage.sql
      .exec<{ value: number }>(
        `INSERT INTO counter (id, value) VALUES (0, ?1)
         ON CONFLICT (id) DO UPDATE SET value = value + ?1 RETURNING value`,
        by,
      )
      .one().value;
  }
}
