import { beforeAll, describe, it, type ExpectStatic } from "vitest";
import { MAX_FRAME_BYTES, RATE_LIMIT, STRIKES } from "../../src/chat/protocol";
import {
  adaAndGrace,
  ChatClient,
  closeOf,
  loadWorker,
  storedMessages,
} from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

/** A room with one stored message, two members, and the join already seen. */
async function busyRoom(expect: ExpectStatic) {
  const { room, ada, grace } = await adaAndGrace(expect);
  ada.say("the only message");
  await ada.next("message");
  await grace.next("message");
  return { room, ada, grace, history: await storedMessages(expect, room) };
}

describe("bad frames", () => {
  it("answers each bad frame with an error to the sender only, keeps the socket open and stores nothing", async ({
    expect,
  }) => {
    const { room, ada, grace, history } = await busyRoom(expect);
    const cases: [string | ArrayBuffer, string][] = [
      ["{not json", "invalid_json"],
      ["", "invalid_json"],
      [new Uint8Array([0x7b, 0x7d]).buffer, "invalid_json"],
      ['{"type":"shout","text":"hi"}', "unknown_type"],
      ['{"text":"hi"}', "unknown_type"],
      ["[]", "unknown_type"],
      ["null", "unknown_type"],
      ['"message"', "unknown_type"],
      ['{"type":"message"}', "invalid_text"],
      ['{"type":"message","text":"   "}', "invalid_text"],
      ['{"type":"message","text":42}', "invalid_text"],
      [
        JSON.stringify({ type: "message", text: "x".repeat(2001) }),
        "invalid_text",
      ],
    ];
    // Half on another socket of ada's: one socket may send at most 10 frames after an error.
    const { client: ada2 } = await ChatClient.join(expect, room, "ada");
    for (const [i, [frame, code]] of cases.entries()) {
      const from = i < cases.length / 2 ? ada : ada2;
      from.ws.send(frame);
      const error = await from.next("error");
      const label = typeof frame === "string" ? frame.slice(0, 40) : "binary";
      expect(error.code, label).toBe(code);
      expect(typeof error.message).toBe("string");
    }
    expect(await grace.drain()).toEqual([]);
    expect(await storedMessages(expect, room)).toEqual(history);

    ada2.say("still open");
    expect(await grace.next("message")).toMatchObject({ text: "still open" });
  });

  it("closes with 1008 a socket that sends more than 10 further frames after an error", async ({
    expect,
  }) => {
    const { ada, grace } = await busyRoom(expect);
    ada.ws.send("{not json");
    expect(await ada.next("error")).toMatchObject({ code: "invalid_json" });
    for (let i = 0; i < STRIKES.frames; i++) ada.ws.send("{not json");
    for (let i = 0; i < STRIKES.frames; i++) await ada.next("error");
    ada.ws.send("{not json");
    expect((await closeOf(ada)).code).toBe(1008);
    expect(await grace.next("leave")).toEqual({ type: "leave", user: "ada" });
  });

  it("closes a socket with 1009 for a frame over 64 KiB, and announces the leave", async ({
    expect,
  }) => {
    const { room, ada, grace, history } = await busyRoom(expect);
    // Exactly 64 KiB is still read (and refused as too long a text) ...
    const padding = "x".repeat(
      MAX_FRAME_BYTES - '{"type":"message","text":""}'.length,
    );
    const atLimit = JSON.stringify({ type: "message", text: padding });
    expect(atLimit.length).toBe(MAX_FRAME_BYTES);
    ada.ws.send(atLimit);
    expect(await ada.next("error")).toMatchObject({ code: "invalid_text" });
    // ... one byte more (counted in UTF-8) closes the socket.
    ada.ws.send(atLimit.replace("x", "é"));
    const close = await closeOf(ada);
    expect(close.code).toBe(1009);
    expect(await grace.next("leave")).toEqual({ type: "leave", user: "ada" });
    expect(await storedMessages(expect, room)).toEqual(history);
  });

  it("refuses messages over the rate limit without storing or broadcasting them", async ({
    expect,
  }) => {
    const { room, ada, grace, history } = await busyRoom(expect);
    // busyRoom already used one of ada's slots.
    for (let i = 1; i < RATE_LIMIT.messages; i++) ada.say(`burst ${i}`);
    ada.say("over the limit");
    ada.say("still over");
    for (let i = 1; i < RATE_LIMIT.messages; i++) {
      expect(await ada.next("message")).toMatchObject({ text: `burst ${i}` });
    }
    for (let i = 0; i < 2; i++) {
      expect(await ada.next("error")).toMatchObject({ code: "rate_limited" });
    }
    const seen = await grace.drain();
    expect(seen).toHaveLength(RATE_LIMIT.messages - 1);
    const stored = await storedMessages(expect, room);
    expect(stored).toHaveLength(RATE_LIMIT.messages);
    expect(stored[0]).toEqual(history[0]);
    expect(stored.map((m) => m.text)).not.toContain("over the limit");

    // The limit is per user: grace is unaffected.
    grace.say("my turn");
    expect(await ada.next("message")).toMatchObject({ text: "my turn" });
  });
});
