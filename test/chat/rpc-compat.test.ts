import { beforeAll, describe, it } from "vitest";
import { loadWorker, roomName, roomStub } from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

// The Scheduler's chat.post action and older Workers call these during a deploy, so each
// method keeps accepting the oldest payload shape it ever accepted. Add a case, never edit one.
describe("ChatRoom RPC payloads from older callers", () => {
  it("accepts every payload shape it ever accepted", async ({ expect }) => {
    const room = roomStub(roomName());
    expect(
      await room.post({ user: "scheduler", text: " reminder " }),
    ).toMatchObject({
      id: 1,
      user: "scheduler",
      text: "reminder",
    });
    expect(await room.info()).toEqual({ online: 0 });
    expect((await room.history()).messages).toHaveLength(1);
    expect((await room.history({})).messages).toHaveLength(1);
    expect(await room.history({ limit: 1, before: 2 })).toMatchObject({
      messages: [{ id: 1 }],
    });
    expect(await room.history({ after: 0 })).toMatchObject({
      messages: [{ id: 1 }],
    });
    await room.destroy();
    expect(await room.history()).toEqual({ messages: [] });
  });

  it("returns invalid_request failures as values, and stores nothing", async ({
    expect,
  }) => {
    const room = roomStub(roomName());
    for (const input of [
      { user: "", text: "hi" },
      { user: "ada", text: "" },
      { user: "a\u001bb", text: "hi" },
      { user: "ada", text: "x".repeat(2001) },
      { user: 7, text: "hi" } as unknown as { user: string; text: string },
    ]) {
      expect(await room.post(input)).toMatchObject({
        failure: { code: "invalid_request" },
      });
    }
    expect(await room.history()).toEqual({ messages: [] });
  });
});
