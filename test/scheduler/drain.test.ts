import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { BATCH_SIZE } from "../../src/scheduler/limits";
import { uniqueName } from "../helpers/http";
import {
  alarmOf,
  countByStatus,
  newScheduler,
  runAlarm,
  useFrozenClock,
} from "../helpers/scheduler";

useFrozenClock();

const EVENTS = 500;

/** Every message of a room, oldest first, paging like a catching-up client. */
async function allMessages(room: string): Promise<string[]> {
  const texts: string[] = [];
  let after = 0;
  for (;;) {
    const { messages } = await env.CHAT_ROOM.getByName(room).history({
      after,
      limit: 200,
    });
    if (messages.length === 0) return texts;
    texts.push(...messages.map((message) => message.text));
    after = messages.at(-1)!.id;
  }
}

describe("a backlog of due events", () => {
  it(
    `drains ${EVENTS} events due at once in batches of at most ${BATCH_SIZE}, none run twice`,
    { timeout: 60_000 },
    async ({ expect }) => {
      const { name, stub } = newScheduler();
      // chat.post carries no idempotency key, so a second run of any event would show as a
      // duplicate message: this room is an exact record of how often each event ran.
      const room = uniqueName("drain");
      const now = Date.now();
      for (let start = 0; start < EVENTS; start += 100) {
        await Promise.all(
          Array.from({ length: 100 }, (_, offset) =>
            stub.create({
              runAt: now - 1_000 + ((start + offset) % 7),
              action: {
                type: "chat.post",
                room,
                user: "drain",
                text: `event ${start + offset}`,
              },
            }),
          ),
        );
      }
      expect(await countByStatus(name)).toEqual({ pending: EVENTS });

      const perRun: number[] = [];
      let done = 0;
      while (
        perRun.length < EVENTS / BATCH_SIZE + 2 &&
        (await runAlarm(name))
      ) {
        const counts = await countByStatus(name);
        perRun.push((counts.done ?? 0) - done);
        done = counts.done ?? 0;
        if (counts.pending) {
          // More due: re-armed right away, strictly after the time that fired.
          expect(await alarmOf(name)).toBe(now + 1);
        }
      }

      expect(perRun).toEqual(Array(EVENTS / BATCH_SIZE).fill(BATCH_SIZE));
      expect(await countByStatus(name)).toEqual({ done: EVENTS });
      expect(await alarmOf(name)).toBeNull();
      const texts = await allMessages(room);
      expect(texts).toHaveLength(EVENTS);
      expect(new Set(texts).size).toBe(EVENTS);
      const page = await stub.list({ status: "done", limit: 100 });
      expect(page.events.every((event) => event.attempts === 1)).toBe(true);
    },
  );
});
