import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { ChatRoom } from "../../src/chat/chat-room";
import { roomName, roomStub } from "../helpers/chat-client";
import { meterSql } from "../helpers/sql-meter";

/** A room with `count` messages, measured through `measure` inside the object. */
function inRoomWith<R>(
  count: number,
  measure: (room: ChatRoom, storage: DurableObjectStorage) => Promise<R>,
  config: Partial<Env> = {},
): Promise<R> {
  return runInDurableObject(roomStub(roomName()), (_instance, state) => {
    const room = new ChatRoom(state, { ...env, ...config });
    for (let i = 1; i <= count; i++) room.post({ user: "ada", text: `m${i}` });
    return measure(room, state.storage);
  });
}

describe("rows per chat operation", () => {
  it("writes one row per posted message below the retention limit", async ({
    expect,
  }) => {
    const cost = await inRoomWith(20, (room, storage) =>
      meterSql(storage, () => room.post({ user: "ada", text: "hi" })),
    );
    expect(cost.result).toMatchObject({ id: 21 });
    expect(cost.rowsWritten).toBe(1);
  });

  it("writes at most two rows per posted message at the retention limit, whatever its size", async ({
    expect,
  }) => {
    const post = (count: number) =>
      inRoomWith(
        count,
        (room, storage) =>
          meterSql(storage, () => room.post({ user: "ada", text: "hi" })),
        { CHAT_HISTORY_LIMIT: String(count) },
      );
    const small = await post(20);
    const large = await post(2000);
    // The insert and the one row it pushes out of retention.
    expect(small.rowsWritten).toBe(2);
    expect(large.rowsWritten).toBe(2);
    // Pruning walks the primary key from the oldest row: no scan that grows with the history.
    expect(large.rowsRead).toBe(small.rowsRead);
  });

  it("reads at most limit + 1 rows for a page, in either direction", async ({
    expect,
  }) => {
    for (const [limit, options] of [
      [50, {}],
      [10, { limit: 10 }],
      [10, { limit: 10, before: 500 }],
      [10, { limit: 10, after: 300 }],
      [3, { limit: 3, after: 100, before: 104 }],
      [200, { limit: 200 }],
    ] as const) {
      const cost = await inRoomWith(1000, (room, storage) =>
        meterSql(storage, () => room.history(options)),
      );
      expect(cost.result.messages).toHaveLength(limit);
      expect(cost.rowsRead, JSON.stringify(options)).toBeLessThanOrEqual(
        limit + 1,
      );
      expect(cost.rowsWritten).toBe(0);
    }
  });
});
