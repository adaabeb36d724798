import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, it } from "vitest";
import { ChatClient } from "../helpers/chat-client";
import { api, asAdmin, postJson, uniqueName } from "../helpers/http";
import { newCounter, NOTHING_STORED, storedIn } from "../helpers/storage";

async function valueOf(name: string): Promise<unknown> {
  return (await api(`/api/counters/${name}`)).json();
}

describe("admin DELETE leaves nothing, so the platform can drop the object", () => {
  it("deletes a counter's tables, rows and pruning alarm, and a read after stores nothing", async ({
    expect,
  }) => {
    const { name, stub } = newCounter("gone");
    await stub.increment({ by: 3, idempotencyKey: "k" });
    expect((await storedIn(stub)).alarm).not.toBeNull();
    expect((await asAdmin("DELETE", `/api/counters/${name}`)).status).toBe(204);
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
    expect(await valueOf(name)).toEqual({ name, value: 0 });
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
  });

  it("starts a deleted counter over on the same live instance, and after a restart", async ({
    expect,
  }) => {
    const { name, stub } = newCounter("again");
    await stub.increment({ by: 5, idempotencyKey: "k" });
    expect((await asAdmin("DELETE", `/api/counters/${name}`)).status).toBe(204);
    // The key was deleted with everything else: the same key applies again.
    expect(await stub.increment({ idempotencyKey: "k" })).toEqual({ value: 1 });
    expect((await storedIn(stub)).alarm).not.toBeNull();
    await evictDurableObject(stub);
    expect(await stub.increment({})).toEqual({ value: 2 });
    expect(await valueOf(name)).toEqual({ name, value: 2 });
  });

  it("deletes a room's tables, and a read and a join after store nothing", async ({
    expect,
  }) => {
    const room = uniqueName("gone");
    const stub = env.CHAT_ROOM.getByName(room);
    await postJson(`/api/rooms/${room}/messages`, { user: "ada", text: "hi" });
    expect((await asAdmin("DELETE", `/api/rooms/${room}`)).status).toBe(204);
    const history = await api(`/api/rooms/${room}/messages`);
    expect(await history.json()).toEqual({ messages: [] });
    const { client, welcome } = await ChatClient.join(expect, room, "grace");
    expect(welcome).toMatchObject({ messages: [] });
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
    client.say("back");
    expect(await client.next("message")).toMatchObject({ id: 1, text: "back" });
    client.ws.close(1000, "bye");
  });
});
