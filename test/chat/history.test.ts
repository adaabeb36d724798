import { exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, it, type ExpectStatic } from "vitest";
import type { ChatRoom } from "../../src/chat/chat-room";
import { errorCode } from "../helpers/http";
import {
  ChatClient,
  loadWorker,
  roomName,
  roomStub,
  range,
  type Message,
  adaAndGrace,
} from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

/** A room holding messages with ids 1..count, posted inside the object in one go. */
async function roomWith(expect: ExpectStatic, count: number): Promise<string> {
  const room = roomName();
  await runInDurableObject(roomStub(room), (instance: ChatRoom) => {
    for (let i = 1; i <= count; i++) {
      expect(instance.post({ user: "ada", text: `m${i}` })).toMatchObject({
        id: i,
      });
    }
  });
  return room;
}

async function page(
  expect: ExpectStatic,
  room: string,
  query: string,
): Promise<number[]> {
  const res = await exports.default.fetch(
    `https://example.com/api/rooms/${room}/messages${query}`,
  );
  expect(res.status, query).toBe(200);
  const { messages } = await res.json<{ messages: Message[] }>();
  return messages.map((m) => m.id);
}

/** The ids of the messages a socket joining as "grace" is welcomed with. */
async function welcomeIds(
  expect: ExpectStatic,
  room: string,
  after?: number,
): Promise<number[]> {
  const { welcome } = await ChatClient.join(expect, room, "grace", after);
  return (welcome.messages as Message[]).map((m) => m.id);
}

describe("history paging", () => {
  it("pages backwards with before, oldest first within a page", async ({
    expect,
  }) => {
    const room = await roomWith(expect, 60);
    expect(await page(expect, room, "")).toEqual(range(11, 60));
    expect(await page(expect, room, "?limit=10")).toEqual(range(51, 60));
    expect(await page(expect, room, "?limit=10&before=51")).toEqual(
      range(41, 50),
    );
    expect(await page(expect, room, "?limit=10&before=5")).toEqual(range(1, 4));
    expect(await page(expect, room, "?before=1")).toEqual([]);
    expect(await page(expect, room, "?limit=200")).toEqual(range(1, 60));
  });

  it("pages forwards with after, for catching up", async ({ expect }) => {
    const room = await roomWith(expect, 60);
    expect(await page(expect, room, "?after=0&limit=3")).toEqual([1, 2, 3]);
    expect(await page(expect, room, "?after=55")).toEqual(range(56, 60));
    expect(await page(expect, room, "?after=60")).toEqual([]);
    expect(await page(expect, room, "?after=5&before=9")).toEqual([6, 7, 8]);
    expect(await page(expect, room, "?after=10&limit=1")).toEqual([11]);
  });

  it("rejects ids that are not integers and limits out of range", async ({
    expect,
  }) => {
    const room = await roomWith(expect, 3);
    for (const query of [
      "?limit=0",
      "?limit=201",
      "?limit=abc",
      "?limit=1.5",
      "?limit=",
      "?before=x",
      "?before=-1",
      "?after=1e3",
      "?after=99999999999999999",
    ]) {
      const res = await exports.default.fetch(
        `https://example.com/api/rooms/${room}/messages${query}`,
      );
      expect(res.status, query).toBe(400);
      expect(await errorCode(res)).toBe("invalid_request");
    }
    const res = await exports.default.fetch(
      `https://example.com/api/rooms/${room}/messages?limt=5`,
    );
    expect(await errorCode(res)).toBe("unknown_field");
    expect(await page(expect, room, "")).toEqual([1, 2, 3]);
  });

  it("welcomes with the last 50 messages, or with everything after `after` (at most 200)", async ({
    expect,
  }) => {
    const room = await roomWith(expect, 260);
    expect(await welcomeIds(expect, room)).toEqual(range(211, 260));
    expect(await welcomeIds(expect, room, 250)).toEqual(range(251, 260));
    expect(await welcomeIds(expect, room, 10)).toEqual(range(11, 210));
  });

  it("misses nothing across a reconnect with after=<last id seen>", async ({
    expect,
  }) => {
    const { room, ada, grace } = await adaAndGrace(expect);
    ada.say("before");
    await ada.next("message");
    const last = (await grace.next("message")).id as number;
    grace.ws.close(1000);
    await ada.next("leave");
    ada.say("while away 1");
    ada.say("while away 2");
    await ada.next("message");
    await ada.next("message");
    const { welcome } = await ChatClient.join(expect, room, "grace", last);
    expect((welcome.messages as Message[]).map((m) => m.text)).toEqual([
      "while away 1",
      "while away 2",
    ]);
  });
});
