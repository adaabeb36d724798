import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import * as sched from "../helpers/scheduler";
import { uniqueName } from "../helpers/http";

sched.useFrozenClock();

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("one-shot events", { timeout: 30_000 }, () => {
  it("runs an event at an epoch-ms time, once, and clears the alarm", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const counter = uniqueName("c");
    const at = Date.now() + 90_000;
    const event = await sched.scheduled(expect, name, {
      at,
      action: sched.increment(counter, 3),
    });
    expect(event).toMatchObject({
      runAt: at,
      status: "pending",
      attempts: 0,
      createdAt: Date.now(),
      action: { type: "counter.increment", counter, by: 3 },
    });
    expect(event.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(await sched.alarmOf(name)).toBe(at);

    sched.advanceTo(expect, at - 1);
    await sched.runAlarm(name);
    expect(await sched.counterValue(counter)).toBe(0);
    expect(await sched.alarmOf(name)).toBe(at);

    sched.advanceTo(expect, at);
    expect(await sched.runAlarm(name)).toBe(true);
    expect(await sched.counterValue(counter)).toBe(3);
    expect(await sched.eventOf(expect, name, event.id)).toMatchObject({
      status: "done",
      attempts: 1,
      runAt: at,
    });
    expect(await sched.alarmOf(name)).toBeNull();
    expect(await sched.runAlarm(name)).toBe(false);
    expect(await sched.counterValue(counter)).toBe(3);
  });

  it("runs an event at an ISO-8601 time", async ({ expect }) => {
    const { name } = sched.newScheduler();
    const counter = uniqueName("c");
    const at = Date.now() + 3_600_000;
    const event = await sched.scheduled(expect, name, {
      at: new Date(at).toISOString().replace("Z", "+00:00"),
      action: sched.increment(counter),
    });
    expect(event.runAt).toBe(at);
    sched.advanceTo(expect, at);
    await sched.runAlarm(name);
    expect(await sched.counterValue(counter)).toBe(1);
  });

  it("runs an event after a delay in seconds, to the millisecond", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const counter = uniqueName("c");
    const event = await sched.scheduled(expect, name, {
      delay: 2.5,
      action: sched.increment(counter),
    });
    expect(event.runAt).toBe(Date.now() + 2_500);
    expect(await sched.alarmOf(name)).toBe(event.runAt);
    sched.advanceTo(expect, event.runAt);
    await sched.runAlarm(name);
    expect(await sched.counterValue(counter)).toBe(1);
  });

  it("runs an event with a past time as soon as possible", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const counter = uniqueName("c");
    const at = Date.now() - 60_000;
    const event = await sched.scheduled(expect, name, {
      at,
      action: sched.increment(counter),
    });
    expect(event.runAt).toBe(at);
    expect(await sched.alarmOf(name)).toBe(at);
    expect(await sched.runAlarm(name)).toBe(true);
    expect(await sched.counterValue(counter)).toBe(1);
    expect((await sched.eventOf(expect, name, event.id)).status).toBe("done");
  });

  it("posts into a chat room, trimmed, as the default user", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const room = uniqueName("room");
    const at = Date.now() + 5_000;
    const event = await sched.scheduled(expect, name, {
      at,
      action: { type: "chat.post", room, text: "  good morning  " },
    });
    expect(event.action).toEqual({
      type: "chat.post",
      room,
      text: "good morning",
      user: "scheduler",
    });
    sched.advanceTo(expect, at);
    await sched.runAlarm(name);
    const { messages } = await env.CHAT_ROOM.getByName(room).history({});
    expect(messages).toEqual([
      expect.objectContaining({ user: "scheduler", text: "good morning" }),
    ]);
    expect((await sched.eventOf(expect, name, event.id)).status).toBe("done");
  });

  it("posts as the given user", async ({ expect }) => {
    const { name } = sched.newScheduler();
    const room = uniqueName("room");
    await sched.scheduled(expect, name, {
      at: Date.now(),
      action: { type: "chat.post", room, text: "hi", user: " ada " },
    });
    await sched.runAlarm(name);
    const { messages } = await env.CHAT_ROOM.getByName(room).history({});
    expect(messages.map(({ user, text }) => ({ user, text }))).toEqual([
      { user: "ada", text: "hi" },
    ]);
  });
});
