import { exports } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { ADMIN, errorCode, postJson } from "../helpers/http";
import { NOTHING_STORED, storedIn } from "../helpers/storage";
import {
  ChatClient,
  closeOf,
  loadWorker,
  roomName,
  roomStub,
  storedMessages,
  joinNewRoom,
} from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

function deleteRoom(room: string, headers: Record<string, string> = ADMIN) {
  return exports.default.fetch(`https://example.com/api/rooms/${room}`, {
    method: "DELETE",
    headers,
  });
}

describe("deleting a room", () => {
  it("closes every socket with 1001 and leaves an empty room", async ({
    expect,
  }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    const { client: grace } = await ChatClient.join(expect, room, "grace");
    ada.say("soon gone");
    await ada.next("join");
    await ada.next("message");

    const res = await deleteRoom(room);
    expect(res.status).toBe(204);
    expect((await closeOf(ada)).code).toBe(1001);
    expect((await closeOf(grace)).code).toBe(1001);

    expect(await storedIn(roomStub(room))).toEqual(NOTHING_STORED);
    expect(await storedMessages(expect, room)).toEqual([]);
    expect(await roomStub(room).info()).toEqual({ online: 0 });
  });

  it("starts a deleted room over from id 1", async ({ expect }) => {
    const room = roomName();
    await postJson(`/api/rooms/${room}/messages`, { user: "ada", text: "one" });
    await postJson(`/api/rooms/${room}/messages`, { user: "ada", text: "two" });
    expect((await deleteRoom(room)).status).toBe(204);
    const res = await postJson(`/api/rooms/${room}/messages`, {
      user: "ada",
      text: "again",
    });
    expect(await res.json()).toMatchObject({ id: 1, text: "again" });
    const { welcome } = await ChatClient.join(expect, room, "grace");
    expect(welcome.messages).toHaveLength(1);
  });

  it("refuses a delete without the admin token and changes nothing", async ({
    expect,
  }) => {
    const { room, client: ada } = await joinNewRoom(expect, "ada");
    ada.say("keep me");
    await ada.next("message");
    const refused: Record<string, string>[] = [
      {},
      { Authorization: "Bearer wrong" },
    ];
    for (const headers of refused) {
      const res = await deleteRoom(room, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
      expect(await errorCode(res)).toBe("unauthorized");
    }
    expect(await storedMessages(expect, room)).toHaveLength(1);
    expect(await ada.drain()).toEqual([]);
    expect(await roomStub(room).info()).toEqual({ online: 1 });
  });
});
