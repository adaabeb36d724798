import { exports } from "cloudflare:workers";
import { beforeAll, describe, it, type ExpectStatic } from "vitest";
import {
  ChatClient,
  closeOf,
  loadWorker,
  roomName,
  joinNewRoom,
} from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

async function online(expect: ExpectStatic, room: string): Promise<number> {
  const res = await exports.default.fetch(
    `https://example.com/api/rooms/${room}`,
  );
  expect(res.status).toBe(200);
  const body = await res.json<{ room: string; online: number }>();
  expect(body.room).toBe(room);
  return body.online;
}

describe("presence", () => {
  it("welcomes a new socket with everyone online, itself last", async ({
    expect,
  }) => {
    const room = roomName();
    const { welcome: first } = await ChatClient.join(expect, room, "ada");
    expect(first).toEqual({
      type: "welcome",
      user: "ada",
      online: ["ada"],
      messages: [],
    });
    await ChatClient.join(expect, room, "grace");
    const { welcome: third } = await ChatClient.join(expect, room, "  linus  ");
    expect(third.user).toBe("linus");
    expect(third.online).toEqual(["ada", "grace", "linus"]);
  });

  it("announces joins and leaves to the others, not to the socket itself", async ({
    expect,
  }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    const { client: grace } = await ChatClient.join(expect, room, "grace");
    expect(await ada.next("join")).toEqual({ type: "join", user: "grace" });
    expect(await grace.drain()).toEqual([]);

    grace.ws.close(1000, "bye");
    expect((await closeOf(grace)).code).toBe(1000);
    expect(await ada.next("leave")).toEqual({ type: "leave", user: "grace" });
    expect(await online(expect, room)).toBe(1);
  });

  it("lists a user once however many sockets they hold, and announces no second join", async ({
    expect,
  }) => {
    const room = roomName();
    const { client: tab1 } = await ChatClient.join(expect, room, "ada");
    const { welcome } = await ChatClient.join(expect, room, "ADA");
    expect(welcome.user).toBe("ada");
    expect(welcome.online).toEqual(["ada"]);
    const { client: grace } = await ChatClient.join(expect, room, "grace");
    expect(await tab1.next("join")).toEqual({ type: "join", user: "grace" });
    expect(await grace.drain()).toEqual([]);
    // `online` counts connections: what the room holds open right now.
    expect(await online(expect, room)).toBe(3);
  });

  it("reports zero online for a room nobody joined", async ({ expect }) => {
    expect(await online(expect, roomName())).toBe(0);
  });
});
