import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { beforeAll, describe, it } from "vitest";
import { ChatRoom } from "../../src/chat/chat-room";
import { Counter } from "../../src/counter/counter";
import { Scheduler } from "../../src/scheduler/scheduler";
import { ChatClient, loadWorker, roomStub } from "../helpers/chat-client";
import { ADMIN, api, asAdmin, uniqueName } from "../helpers/http";
import { meterIn } from "../helpers/sql-meter";
import { NOTHING_STORED, storedIn } from "../helpers/storage";

beforeAll(loadWorker, 60_000);

async function getJson(path: string, headers: Record<string, string> = {}) {
  const res = await api(path, { headers });
  return { status: res.status, body: await res.json() };
}

// On Cloudflare an object that stored anything is kept, and billed, for good: a read of a name
// nobody wrote must leave it holding nothing, or a script of GETs creates unbounded objects.
describe("a first read of a never-written object stores nothing", () => {
  it("answers a counter as 0 with no tables, rows or alarm", async ({
    expect,
  }) => {
    const name = uniqueName("probe");
    expect(await getJson(`/api/counters/${name}`)).toEqual({
      status: 200,
      body: { name, value: 0 },
    });
    expect(await storedIn(env.COUNTER.getByName(name))).toEqual(NOTHING_STORED);
  });

  it("leaves every shard and the aggregate of a sharded read empty", async ({
    expect,
  }) => {
    const name = uniqueName("probe");
    for (const query of ["", "?consistent=true"]) {
      const { body } = await getJson(`/api/sharded-counters/${name}${query}`);
      expect(body).toMatchObject({ name, value: 0, shards: 8 });
    }
    for (let shard = 0; shard < 8; shard++) {
      const stub = env.COUNTER.getByName(`${name}:shard:${shard}`);
      expect(await storedIn(stub), `shard ${shard}`).toEqual(NOTHING_STORED);
    }
    const aggregate = env.COUNTER_AGGREGATE.getByName(name);
    expect(await storedIn(aggregate), "aggregate").toEqual(NOTHING_STORED);
  });

  it("answers a room, its history and a WebSocket welcome with nothing stored", async ({
    expect,
  }) => {
    const room = uniqueName("probe");
    expect(await getJson(`/api/rooms/${room}`)).toEqual({
      status: 200,
      body: { room, online: 0 },
    });
    expect(await getJson(`/api/rooms/${room}/messages?after=3`)).toEqual({
      status: 200,
      body: { messages: [] },
    });
    const { client, welcome } = await ChatClient.join(expect, room, "ada");
    expect(welcome).toMatchObject({ online: ["ada"], messages: [] });
    expect(await storedIn(roomStub(room))).toEqual(NOTHING_STORED);
    client.ws.close(1000, "bye");
  });

  it("lists, gets, cancels and retries nothing on a new scheduler, and its wake repairs no alarm", async ({
    expect,
  }) => {
    const name = uniqueName("probe");
    const base = `/api/schedulers/${name}/events`;
    expect(await getJson(base, ADMIN)).toEqual({
      status: 200,
      body: { events: [], cursor: null },
    });
    const id = crypto.randomUUID();
    expect((await getJson(`${base}/${id}`, ADMIN)).status).toBe(404);
    const cancel = await asAdmin("DELETE", `${base}/${id}`);
    expect(cancel.status).toBe(404);
    const retry = await asAdmin("POST", `${base}/${id}/retry`);
    expect(retry.status).toBe(404);
    const stub = env.SCHEDULER.getByName(name);
    await evictDurableObject(stub);
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
  });

  it("stores nothing for a write the object refuses", async ({ expect }) => {
    const scheduler = env.SCHEDULER.getByName(uniqueName("probe"));
    const refused = await scheduler.create({
      cron: "0 0 30 2 *", // 30 February: never fires
      action: { type: "counter.increment", counter: "c", by: 1 },
    });
    expect(refused).toMatchObject({ failure: { code: "invalid_request" } });
    expect(await storedIn(scheduler)).toEqual(NOTHING_STORED);
    const room = roomStub(uniqueName("probe"));
    const bad = await room.post({ user: " ", text: "hi" });
    expect(bad).toMatchObject({ failure: { code: "invalid_request" } });
    expect(await storedIn(room)).toEqual(NOTHING_STORED);
  });
});

describe("rows a never-written object reads and writes to wake and answer", () => {
  it("writes no row for a counter's wake and get", async ({ expect }) => {
    const stub = env.COUNTER.getByName(uniqueName("probe"));
    const cost = await meterIn(stub, (_: Counter, state) =>
      new Counter(state, env).get(),
    );
    expect(cost).toMatchObject({ result: { value: 0 }, rowsWritten: 0 });
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
  });

  it("writes no row for a room's wake, info and history", async ({
    expect,
  }) => {
    const stub = roomStub(uniqueName("probe"));
    const cost = await meterIn(stub, (_: ChatRoom, state) => {
      const room = new ChatRoom(state, env);
      return [room.info(), room.history({ limit: 10 })];
    });
    expect(cost).toMatchObject({
      result: [{ online: 0 }, { messages: [] }],
      rowsWritten: 0,
    });
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
  });

  it("writes no row for a scheduler's wake, alarm repair, list and get", async ({
    expect,
  }) => {
    const stub = env.SCHEDULER.getByName(uniqueName("probe"));
    const cost = await meterIn(stub, async (_: Scheduler, state) => {
      const scheduler = new Scheduler(state, env);
      // The constructor's alarm repair runs under blockConcurrencyWhile; wait for it.
      await state.blockConcurrencyWhile(async () => {});
      return [scheduler.list({}), scheduler.get({ id: "x" })];
    });
    expect(cost.rowsWritten).toBe(0);
    expect(cost.result[0]).toEqual({ events: [], next: null });
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
  });
});
