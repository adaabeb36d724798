import { DurableObject } from "cloudflare:workers";
import { fail, type Failure } from "../shared/failure";
import { Schema, type SchemaStep } from "../shared/sql-schema";

/**
 * Who holds one user name: one object per name key (user-name.ts), so a claim is decided by a
 * single-threaded object with strongly consistent storage, with no global table to contend on.
 * A free name holds no storage at all: a lookup stores nothing, and a release or a lapse deletes
 * everything, so only names someone holds right now are billed.
 *
 * This class is the template's worked example of adding one (migrations.md, tag v4).
 */
const HOLD_SCHEMA: readonly SchemaStep[] = [
  `CREATE TABLE hold (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     display TEXT NOT NULL,
     secret_hash TEXT NOT NULL,
     hold_id TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   )`,
];

type HoldRow = {
  display: string;
  secret_hash: string;
  hold_id: string;
  expires_at: number;
};

export type ClaimOptions = {
  /** The name's display form, kept as the holder first typed it. */
  user: string;
  /** SHA-256 of the secret that proves a new hold; the object never sees a secret. */
  secretHash: string;
  /** SHA-256 of the secret the caller says it holds the name with, to renew. */
  proofHash?: string;
  /** How long the hold lasts without a renewal. */
  lapseMs: number;
};

export type Hold = {
  user: string;
  holdId: string;
  expiresAt: number;
  /** True when an existing hold was renewed (its secret stays), false for a new one. */
  renewed: boolean;
};

export type ReleaseOptions = { proofHash: string } | { admin: true };

export class NameHold extends DurableObject<Env> {
  readonly #schema: Schema;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#schema = new Schema(ctx.storage, HOLD_SCHEMA);
  }

  /** Takes a free name, renews the caller's own hold, or refuses: one read and one write, no await between. */
  async claim({
    user,
    secretHash,
    proofHash,
    lapseMs,
  }: ClaimOptions): Promise<Hold | Failure> {
    const now = Date.now();
    const held = this.#current(now);
    if (held !== null && held.secret_hash !== proofHash) {
      return fail("name_taken", "someone else holds this name; pick another");
    }
    const expiresAt = now + Math.max(1, lapseMs);
    const hold = held
      ? { user: held.display, holdId: held.hold_id, expiresAt, renewed: true }
      : { user, holdId: crypto.randomUUID(), expiresAt, renewed: false };
    this.#schema.write(() =>
      this.ctx.storage.sql.exec(
        `INSERT OR REPLACE INTO hold (id, display, secret_hash, hold_id, expires_at)
         VALUES (1, ?, ?, ?, ?)`,
        hold.user,
        held ? held.secret_hash : secretHash,
        hold.holdId,
        expiresAt,
      ),
    );
    await this.ctx.storage.setAlarm(expiresAt);
    return hold;
  }

  /** Whether `holdId` is the name's current hold. A read: stores nothing. */
  isHeldBy({ holdId }: { holdId: string }): boolean {
    return this.#current(Date.now())?.hold_id === holdId;
  }

  /** Deletes the hold and everything the object stored, alarm included. */
  async release(options: ReleaseOptions): Promise<null | Failure> {
    const held = this.#current(Date.now());
    if (!("admin" in options) && held?.secret_hash !== options.proofHash) {
      return fail("forbidden", "this secret does not hold the name");
    }
    if (this.#schema.exists) await this.#schema.deleteAll();
    return null;
  }

  /** The hold lapses unless a renewal moved its time; alarms may repeat, so check the row. */
  override async alarm(): Promise<void> {
    const row = this.#row();
    if (row !== null && row.expires_at > Date.now()) {
      await this.ctx.storage.setAlarm(row.expires_at);
      return;
    }
    await this.#schema.deleteAll();
  }

  /** The hold in force now: a row past its time has lapsed even if its alarm has not run yet. */
  #current(now: number): HoldRow | null {
    const row = this.#row();
    return row !== null && row.expires_at > now ? row : null;
  }

  #row(): HoldRow | null {
    if (!this.#schema.exists) return null;
    return (
      this.ctx.storage.sql
        .exec<HoldRow>(
          "SELECT display, secret_hash, hold_id, expires_at FROM hold",
        )
        .toArray()[0] ?? null
    );
  }
}
