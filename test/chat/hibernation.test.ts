import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, it, type ExpectStatic } from "vitest";
import type { ChatRoom } from "../../src/chat/chat-room";
import { RATE_LIMIT } from "../../src/chat/protocol";
import {
  adaAndGrace,
  ChatClient,
  loadWorker,
  roomStub,
  joinNewRoom,
} from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

/** Evicts the room's instance (sockets hibernate) and checks a new instance took over. */
async function hibernate(expect: ExpectStatic, room: string): Promise<void> {
  const stub = roomStub(room);
  const before = await runInDurableObject(
    stub,
    (instance: ChatRoom) => instance,
  );
  await evictDurableObject(stub);
  const after = await runInDurableObject(
    stub,
    (instance: ChatRoom) => instance,
  );
  expect(after).not.toBe(before);
}

describe("hibernation", () => {
  it("keeps the same sockets talking, with identity and presence intact", async ({
    expect,
  }) => {
    const { room, ada, grace } = await adaAndGrace(expect);

    await hibernate(expect, room);

    grace.say("still here");
    expect(await ada.next("message")).toMatchObject({
      user: "grace",
      text: "still here",
    });
    expect(await grace.next("message")).toMatchObject({ user: "grace" });
    const info = await roomStub(room).info();
    expect(info).toEqual({ online: 2 });
    const { welcome } = await ChatClient.join(expect, room, "linus");
    expect(welcome.online).toEqual(["ada", "grace", "linus"]);
    expect(await ada.next("join")).toEqual({ type: "join", user: "linus" });

    await hibernate(expect, room);
    ada.ws.close(1000);
    expect(await grace.next("join")).toEqual({ type: "join", user: "linus" });
    expect(await grace.next("leave")).toEqual({ type: "leave", user: "ada" });
  });

  it("answers ping with pong while hibernated", async ({ expect }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    await evictDurableObject(roomStub(room));
    expect(await ada.drain()).toEqual([]);
  });

  it("keeps a connection's rate-limit window across a hibernation", async ({
    expect,
  }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    for (let i = 0; i < RATE_LIMIT.messages; i++) ada.say(`m${i}`);
    for (let i = 0; i < RATE_LIMIT.messages; i++) await ada.next("message");

    await hibernate(expect, room);

    ada.say("one too many");
    expect(await ada.next("error")).toMatchObject({ code: "rate_limited" });
    const { messages } = await roomStub(room).history({ limit: 200 });
    expect(messages).toHaveLength(RATE_LIMIT.messages);
  });
});
