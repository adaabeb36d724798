import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { it } from "vitest";
import { ChatRoom } from "../../src/chat/chat-room";
import { roomName, roomStub } from "../helpers/chat-client";
import { meterIn } from "../helpers/sql-meter";

// Counter and Scheduler wakes are measured next to their other costs (counter/cost, scheduler/cost).
it("wakes a chat room with a current schema for one statement and no write", async ({
  expect,
}) => {
  const stub = roomStub(roomName());
  await stub.post({ user: "ada", text: "hello" });
  await evictDurableObject(stub);
  // The constructor runs before the callback, so measure a fresh construction directly.
  const cost = await meterIn(
    stub,
    (_instance: ChatRoom, state) => new ChatRoom(state, env),
  );
  expect(cost).toMatchObject({ statements: 1, rowsWritten: 0 });
  expect(cost.rowsRead).toBeLessThanOrEqual(1);
});
