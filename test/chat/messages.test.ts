import { beforeAll, describe, it } from "vitest";
import { errorCode, postJson } from "../helpers/http";
import {
  adaAndGrace,
  ChatClient,
  loadWorker,
  roomName,
  storedMessages,
  joinNewRoom,
} from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

describe("messages", () => {
  it("fans a socket message out to every socket, the sender included", async ({
    expect,
  }) => {
    const { room, ada, grace } = await adaAndGrace(expect);

    ada.say("  hello  ");
    const seenByAda = await ada.next("message");
    const seenByGrace = await grace.next("message");
    expect(seenByAda).toEqual(seenByGrace);
    expect(seenByAda).toMatchObject({
      type: "message",
      user: "ada",
      text: "hello",
    });
    expect(Number.isInteger(seenByAda.id)).toBe(true);
    expect(Number.isInteger(seenByAda.at)).toBe(true);
    const { id, user, text, at } = seenByAda;
    expect(await storedMessages(expect, room)).toEqual([
      { id, user, text, at },
    ]);
  });

  it("delivers 100 messages to everyone in one order, with increasing ids", async ({
    expect,
  }) => {
    const { room, client: grace } = await joinNewRoom(expect, "grace");
    // Five senders of 20 each: one connection may send only 20 per 10 s.
    const senders: ChatClient[] = [];
    for (let s = 0; s < 5; s++) {
      senders.push((await ChatClient.join(expect, room, `sender${s}`)).client);
    }
    await Promise.all([grace, ...senders].map((client) => client.drain()));
    senders.forEach((sender, s) => {
      for (let i = 0; i < 20; i++) sender.say(`${s}:${i}`);
    });

    const seenBy = async (client: ChatClient) => {
      const frames = [];
      for (let i = 0; i < 100; i++) frames.push(await client.nextMessage());
      return frames;
    };
    const received = await seenBy(grace);
    expect(await seenBy(senders[0]!)).toEqual(received);
    expect(await seenBy(senders[4]!)).toEqual(received);
    const ids = received.map((m) => m.id as number);
    expect(ids).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // Each connection's messages keep the order it sent them in.
    senders.forEach((_, s) => {
      const texts = received
        .filter((m) => m.user === `sender${s}`)
        .map((m) => m.text);
      expect(texts).toEqual(Array.from({ length: 20 }, (_, i) => `${s}:${i}`));
    });
    expect((await storedMessages(expect, room)).map((m) => m.id)).toEqual(ids);
  });

  it("stores and broadcasts a message posted over HTTP, trimmed", async ({
    expect,
  }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    const res = await postJson(`/api/rooms/${room}/messages`, {
      user: " scheduler ",
      text: "\tready\n",
    });
    expect(res.status).toBe(201);
    const message = await res.json<Record<string, unknown>>();
    expect(message).toMatchObject({ user: "scheduler", text: "ready" });
    expect(await ada.next("message")).toEqual({ type: "message", ...message });
    expect(await storedMessages(expect, room)).toEqual([message]);
  });

  it("rejects bad HTTP posts with 400 and stores nothing", async ({
    expect,
  }) => {
    const room = roomName();
    const cases: [unknown, string][] = [
      [{ user: "ada" }, "invalid_request"],
      [{ text: "hi" }, "invalid_request"],
      [{ user: "", text: "hi" }, "invalid_request"],
      [{ user: "a\u0000b", text: "hi" }, "invalid_request"],
      [{ user: "x".repeat(33), text: "hi" }, "invalid_request"],
      [{ user: "ada", text: "   " }, "invalid_request"],
      [{ user: "ada", text: "x".repeat(2001) }, "invalid_request"],
      [{ user: "ada", text: 42 }, "invalid_request"],
      [{ user: "ada", text: "hi", extra: 1 }, "unknown_field"],
      ["{not json", "invalid_json"],
    ];
    for (const [body, code] of cases) {
      const res = await postJson(`/api/rooms/${room}/messages`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await errorCode(res)).toBe(code);
    }
    expect(await storedMessages(expect, room)).toEqual([]);
  });

  it("accepts the longest text and user, counted in characters", async ({
    expect,
  }) => {
    const room = roomName();
    const user = "🙂".repeat(32);
    const text = "é".repeat(1999) + "🙂";
    const res = await postJson(`/api/rooms/${room}/messages`, { user, text });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ user, text });
  });
});
