import { abortAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, it, type ExpectStatic } from "vitest";
import {
  ChatClient,
  loadWorker,
  roomStub,
  storedMessages,
  type Frame,
  type Message,
  joinNewRoom,
} from "../helpers/chat-client";
import { postJson } from "../helpers/http";

const WAIT_MS = 10_000;
const WRITERS = 4;
const POSTS_PER_WRITER = 10;

beforeAll(loadWorker, 60_000);

/**
 * Posts from several concurrent writers, calling `interrupt` once after `after` acknowledgements.
 * Returns the acknowledged messages and the status of every post.
 */
async function postWhile(
  room: string,
  after: number,
  interrupt: () => Promise<void>,
) {
  const acknowledged: Message[] = [];
  const statuses: number[] = [];
  let interrupted: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      for (let i = 0; i < POSTS_PER_WRITER; i++) {
        const res = await postJson(`/api/rooms/${room}/messages`, {
          user: `writer-${writer}`,
          text: `post ${writer}.${i}`,
        });
        statuses.push(res.status);
        if (res.status === 201) acknowledged.push(await res.json<Message>());
        if (acknowledged.length >= after) interrupted ??= interrupt();
      }
    }),
  );
  await interrupted;
  return { acknowledged, statuses };
}

/** Every acknowledged message is stored once, ids increase, and nothing was stored that was not sent. */
async function expectKept(
  expect: ExpectStatic,
  room: string,
  acknowledged: Message[],
  sent: number,
) {
  const stored = await storedMessages(expect, room);
  const ids = stored.map((message) => message.id);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(new Set(ids).size).toBe(ids.length);
  for (const message of acknowledged) expect(stored).toContainEqual(message);
  expect(stored.length).toBeLessThanOrEqual(sent);
}

describe("a chat room interrupted mid-conversation", () => {
  it("keeps every acknowledged message when it is evicted, and fails no request", async ({
    expect,
  }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    const acknowledged: Message[] = [];
    ada.say("before");
    acknowledged.push(strip(await ada.next("message", WAIT_MS)));
    const posted = await postWhile(room, 8, () =>
      evictDurableObject(roomStub(room)),
    );
    ada.say("after");
    const after = strip(await ada.next("message", WAIT_MS));
    expect(posted.statuses.every((status) => status === 201)).toBe(true);
    const all = [...acknowledged, ...posted.acknowledged, after];
    await expectKept(expect, room, all, 2 + WRITERS * POSTS_PER_WRITER);
    expect(await storedMessages(expect, room)).toHaveLength(all.length);
    ada.ws.close(1000, "done");
  }, 30_000);

  it("keeps every acknowledged message when every object is aborted", async ({
    expect,
  }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    const acknowledged: Message[] = [];
    for (const text of ["one", "two", "three"]) {
      ada.say(text);
      acknowledged.push(strip(await ada.next("message", WAIT_MS)));
    }
    const posted = await postWhile(room, 8, () => abortAllDurableObjects());
    expect(posted.acknowledged.length).toBeGreaterThanOrEqual(8);
    const { client: again } = await ChatClient.join(expect, room, "ada");
    again.say("after the abort");
    const after = strip(await again.next("message", WAIT_MS));
    await expectKept(
      expect,
      room,
      [...acknowledged, ...posted.acknowledged, after],
      4 + WRITERS * POSTS_PER_WRITER,
    );
    again.ws.close(1000, "done");
  }, 30_000);
});

/** The message a `message` frame carries, as the history stores it. */
function strip(frame: Frame): Message {
  const { id, user, text, at } = frame;
  return { id, user, text, at } as Message;
}
