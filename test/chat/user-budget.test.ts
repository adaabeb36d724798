import { beforeAll, describe, it } from "vitest";
import {
  MAX_SOCKETS_PER_USER,
  RATE_LIMIT,
  STRIKES,
} from "../../src/chat/protocol";
import {
  ChatClient,
  closeOf,
  loadWorker,
  roomName,
  storedMessages,
  upgrade,
} from "../helpers/chat-client";
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";

beforeAll(loadWorker, 60_000);

describe("budgets per user, not per socket", () => {
  it("stores at most the per-user budget from one user with ten sockets", async ({
    expect,
  }) => {
    const room = roomName();
    const sockets: ChatClient[] = [];
    const refused: number[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await ChatClient.tryJoin(expect, room, "mallory");
      if (res instanceof ChatClient) {
        sockets.push(res);
      } else {
        refused.push(res.status);
        expect(await res.json()).toMatchObject({
          error: { code: "too_many_connections" },
        });
        expect(res.headers.get("Retry-After")).not.toBeNull();
      }
    }
    expect(sockets.length).toBeLessThanOrEqual(MAX_SOCKETS_PER_USER);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((status) => status === 429)).toBe(true);
    // The first socket spends the whole budget; then every other one tries a budget's worth.
    const [first, ...others] = sockets;
    for (let i = 0; i < RATE_LIMIT.messages; i++) first!.say(`m${i}`);
    for (const socket of sockets) {
      for (let i = 0; i < RATE_LIMIT.messages; i++) {
        await socket.nextOf(["message"]);
      }
    }
    // Each is refused, and a socket that keeps sending after being told is closed with 1008.
    for (const socket of others) {
      for (let i = 0; i < RATE_LIMIT.messages; i++) socket.say(`more ${i}`);
      for (let i = 0; i <= STRIKES.frames; i++) {
        expect(await socket.nextOf(["message", "error"])).toMatchObject({
          type: "error",
          code: "rate_limited",
        });
      }
      expect((await closeOf(socket)).code).toBe(1008);
    }
    const stored = await storedMessages(expect, room);
    expect(stored).toHaveLength(RATE_LIMIT.messages);
  });

  it("refuses a sixth socket with 429 before it is accepted", async ({
    expect,
  }) => {
    const room = roomName();
    const { client: watcher } = await ChatClient.join(expect, room, "grace");
    const tabs: ChatClient[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_USER; i++) {
      tabs.push((await ChatClient.join(expect, room, "ada")).client);
    }
    const sixth = await upgrade(`/api/rooms/${room}/websocket?user=Ada`);
    expect(sixth.status).toBe(429);
    expect(sixth.webSocket).toBeNull();
    expect(await sixth.json()).toMatchObject({
      error: { code: "too_many_connections" },
    });
    // A look-alike is the same user.
    const cyrillic = await upgrade(
      `/api/rooms/${room}/websocket?user=${encodeURIComponent("\u0430da")}`,
    );
    expect(cyrillic.status).toBe(429);
    tabs[0]!.ws.close(1000);
    await closeOf(tabs[0]!);
    expect(await watcher.next("join")).toEqual({ type: "join", user: "ada" });
    expect(await ChatClient.tryJoin(expect, room, "ada")).toBeInstanceOf(
      ChatClient,
    );
  });

  it("keeps the shared window across hibernation", async ({ expect }) => {
    const room = roomName();
    const { client: tab1 } = await ChatClient.join(expect, room, "ada");
    const { client: tab2 } = await ChatClient.join(expect, room, "ada");
    for (let i = 0; i < RATE_LIMIT.messages; i++) tab1.say(`m${i}`);
    for (let i = 0; i < RATE_LIMIT.messages; i++) await tab1.next("message");
    for (let i = 0; i < RATE_LIMIT.messages; i++) await tab2.next("message");
    await evictDurableObject(env.CHAT_ROOM.getByName(room));
    tab2.say("one more");
    expect(await tab2.nextOf(["message", "error"], 10_000)).toMatchObject({
      type: "error",
      code: "rate_limited",
    });
    expect(await storedMessages(expect, room)).toHaveLength(
      RATE_LIMIT.messages,
    );
  });
});
