// An alarm run aborted halfway (a deploy, a crash) loses no event and doubles no counter effect.
import {
  abortAllDurableObjects,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { describe, it } from "vitest";
import { roomName, roomStub, storedMessages } from "../helpers/chat-client";
import { uniqueName } from "../helpers/http";
import {
  countByStatus,
  counterValue,
  increment,
  newScheduler,
  runAlarm,
  scheduled,
  useFrozenClock,
} from "../helpers/scheduler";

describe("a scheduler aborted mid-alarm", () => {
  useFrozenClock();

  it("runs every due event after the abort, each counter effect exactly once", async ({
    expect,
  }) => {
    const { name, stub } = newScheduler();
    const counter = uniqueName("target");
    const room = roomName();
    const increments = 20;
    for (let i = 0; i < increments; i++) {
      await scheduled(expect, name, {
        at: Date.now(),
        action: increment(counter),
      });
    }
    await scheduled(expect, name, {
      at: Date.now(),
      action: { type: "chat.post", room, text: "scheduled" },
    });
    // The chat.post hangs on the stalled room, so the alarm is still running when it is aborted.
    await stallRoom(room);
    const firing = runDurableObjectAlarm(stub).then(
      () => "finished",
      () => "aborted",
    );
    while ((await counterValue(counter)) < increments) await scheduler.wait(1);
    await abortAllDurableObjects();
    expect(await firing).toBe("aborted");

    for (
      let runs = 0;
      runs < 10 && (await countByStatus(name)).pending;
      runs++
    ) {
      await runAlarm(name);
    }
    expect(await countByStatus(name)).toEqual({ done: increments + 1 });
    expect(await counterValue(counter)).toBe(increments);
    const posted = await storedMessages(expect, room);
    expect(posted.length).toBeGreaterThanOrEqual(1);
    expect(posted.every((message) => message.text === "scheduled")).toBe(true);
  }, 30_000);
});

/** Holds the room's input gate shut until the object is aborted (or a minute passes). */
async function stallRoom(room: string) {
  const state = { stalled: false };
  void runInDurableObject(roomStub(room), (_instance, ctx) => {
    ctx
      .blockConcurrencyWhile(async () => {
        state.stalled = true;
        await scheduler.wait(60_000);
      })
      .catch(() => {});
  }).catch(() => {});
  while (!state.stalled) await scheduler.wait(1);
}
