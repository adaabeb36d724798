import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, it } from "vitest";
import { uniqueName } from "../helpers/http";
import { advanceTo, useFrozenClock } from "../helpers/scheduler";

useFrozenClock();

const HOUR_MS = 3_600_000;

// Workers and objects update independently for a while after a deploy, so each Scheduler RPC
// method keeps accepting the oldest payload shape a caller may still send. Add a case, never
// edit one.
// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe(
  "Scheduler RPC payloads from older callers",
  { timeout: 30_000 },
  () => {
    it("accepts every payload shape it ever accepted", async ({ expect }) => {
      const scheduler = env.SCHEDULER.getByName(uniqueName("compat"));
      // Just past an hour, so the hourly cron below is always due after runAt: in an hour's
      // last minute it would come first, and the page after runAt could be empty.
      advanceTo(expect, Math.ceil(Date.now() / HOUR_MS) * HOUR_MS + 1_000);
      const runAt = Date.now() + 60_000;
      const action = {
        type: "counter.increment" as const,
        counter: "c",
        by: 1,
      };
      const created = await scheduler.create({ runAt, action });
      if ("failure" in created) throw new Error(created.failure.message);
      expect(created).toMatchObject({ created: true, event: { runAt } });
      const { id } = created.event;
      const cron = await scheduler.create({ cron: "0 * * * *", action });
      expect(cron).toMatchObject({
        created: true,
        event: { cron: "0 * * * *" },
      });
      expect(await scheduler.create({ runAt, action, key: "k" })).toMatchObject(
        {
          created: true,
        },
      );
      expect(
        await scheduler.createMany({ events: [{ runAt, action, key: "m" }] }),
      ).toMatchObject({ created: [true], events: [{ key: "m" }] });
      expect(await scheduler.get({ id })).toMatchObject({ id, runAt });
      expect((await scheduler.list()).events).toHaveLength(4);
      expect((await scheduler.list({})).events).toHaveLength(4);
      expect(
        await scheduler.list({
          status: "pending",
          limit: 1,
          after: { runAt, id },
        }),
      ).toMatchObject({ events: [{}] });
      expect(await scheduler.retry({ id })).toMatchObject({
        failure: { code: "not_dead" },
      });
      expect(await scheduler.cancel({ id })).toEqual({ id });
      expect(await scheduler.get({ id })).toMatchObject({
        failure: { code: "not_found" },
      });
    });

    it("compares keys only between requests that both carry a fingerprint", async ({
      expect,
    }) => {
      const scheduler = env.SCHEDULER.getByName(uniqueName("compat"));
      const runAt = Date.now() + 60_000;
      const action = {
        type: "counter.increment" as const,
        counter: "c",
        by: 1,
      };
      // An older Worker sends no fingerprint; its event answers any later repeat as before.
      await scheduler.create({ runAt, action, key: "old" });
      expect(
        await scheduler.create({ runAt, action, key: "old", fingerprint: "f" }),
      ).toMatchObject({ created: false });
      // A newer Worker's event, repeated by an older Worker: not compared either.
      await scheduler.create({ runAt, action, key: "new", fingerprint: "f" });
      expect(
        await scheduler.create({ runAt: 1, action, key: "new" }),
      ).toMatchObject({ created: false, event: { runAt } });
      expect(
        await scheduler.create({ runAt, action, key: "new", fingerprint: "g" }),
      ).toMatchObject({ failure: { code: "idempotency_key_reused" } });
    });

    it("reports an action type it does not know as a failed attempt, not a crash", async ({
      expect,
    }) => {
      const scheduler = env.SCHEDULER.getByName(uniqueName("compat"));
      // As stored by a newer version, then run by this one during a rollback.
      const action = { type: "email.send", to: "ops" } as unknown as {
        type: "counter.increment";
        counter: string;
        by: number;
      };
      const created = await scheduler.create({ runAt: Date.now(), action });
      if ("failure" in created) throw new Error(created.failure.message);
      await runDurableObjectAlarm(scheduler);
      expect(await scheduler.get({ id: created.event.id })).toMatchObject({
        status: "pending",
        attempts: 1,
        lastError: "unknown action type email.send",
      });
    });
  },
);
