import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { Schema } from "../../src/shared/sql-schema";
import {
  CHAT_SCHEMA,
  ChatHistory,
  DEFAULT_HISTORY_LIMIT,
  historyLimit,
} from "../../src/chat/history";
import { ChatRoom } from "../../src/chat/chat-room";
import { range, roomName, roomStub } from "../helpers/chat-client";
import { meterSql } from "../helpers/sql-meter";

/** Runs `body` against a fresh room's real SQLite database. */
function inFreshRoom<R>(body: (state: DurableObjectState) => R): Promise<R> {
  return runInDurableObject(roomStub(roomName()), (_instance, state) =>
    body(state),
  );
}

const storedIds = (sql: SqlStorage) =>
  sql
    .exec<{ id: number }>("SELECT id FROM messages ORDER BY id")
    .toArray()
    .map((row) => row.id);

describe("retention", () => {
  it("keeps only the room's last CHAT_HISTORY_LIMIT messages", async ({
    expect,
  }) => {
    const kept = await inFreshRoom((state) => {
      const room = new ChatRoom(state, { ...env, CHAT_HISTORY_LIMIT: "10" });
      for (let i = 1; i <= 25; i++) room.post({ user: "ada", text: `m${i}` });
      return {
        stored: storedIds(state.storage.sql),
        page: room.history({ limit: 200 }).messages.map((m) => m.id),
      };
    });
    expect(kept.stored).toEqual(range(16, 25));
    expect(kept.page).toEqual(range(16, 25));
  });

  it("prunes a backlog in bounded steps after the limit is lowered", async ({
    expect,
  }) => {
    const steps = await inFreshRoom(async (state) => {
      const sql = state.storage.sql;
      new Schema(state.storage, CHAT_SCHEMA).write(() => {});
      const generous = new ChatHistory(sql, { keep: 1000 });
      for (let i = 1; i <= 350; i++) generous.append("ada", `m${i}`, i);
      const lowered = new ChatHistory(sql, { keep: 10, pruneBatch: 100 });
      const steps = [];
      for (let i = 0; i < 5; i++) {
        const cost = await meterSql(state.storage, () =>
          lowered.append("ada", "new", i),
        );
        steps.push({ left: storedIds(sql).length, written: cost.rowsWritten });
      }
      return { steps, last: storedIds(sql) };
    });
    expect(steps.steps.map((s) => s.left)).toEqual([251, 152, 53, 10, 10]);
    // One insert plus at most one batch of deletes, never the whole backlog at once.
    for (const { written } of steps.steps)
      expect(written).toBeLessThanOrEqual(101);
    expect(steps.last).toEqual(range(346, 355));
  });

  it("reads CHAT_HISTORY_LIMIT, falling back to the default when it is not a positive integer", ({
    expect,
  }) => {
    expect(historyLimit({ CHAT_HISTORY_LIMIT: "500" })).toBe(500);
    expect(historyLimit({})).toBe(DEFAULT_HISTORY_LIMIT);
    for (const bad of ["", "0", "-5", "1.5", "lots"]) {
      expect(historyLimit({ CHAT_HISTORY_LIMIT: bad })).toBe(
        DEFAULT_HISTORY_LIMIT,
      );
    }
  });
});
