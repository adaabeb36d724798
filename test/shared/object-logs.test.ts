import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterEach, describe, it } from "vitest";
import { logObject } from "../../src/shared/object-log";
import { recordLogs } from "../helpers/logs";
import * as sched from "../helpers/scheduler";
import { uniqueName } from "../helpers/http";

sched.useFrozenClock();

let logs: ReturnType<typeof recordLogs>;
afterEach(() => logs?.restore());

describe("an object's log lines name the object", () => {
  it("the scheduler's alarm line carries the scheduler's name", async ({
    expect,
  }) => {
    const { name } = sched.newScheduler();
    const event = await sched.scheduled(expect, name, {
      delay: 1,
      action: sched.increment(uniqueName("c")),
    });
    sched.advanceTo(expect, event.runAt);
    logs = recordLogs();
    await sched.runAlarm(name);
    const line = logs.lines().find((l) => l.event === "scheduler_alarm");
    expect(line).toMatchObject({
      level: "info",
      object: name,
      ran: 1,
      failed: 0,
    });
    expect(line?.actionMs).toBeTypeOf("number");
  });

  it("an object made from a unique id, which has no name, is named by its id", async ({
    expect,
  }) => {
    const id = env.CHAT_ROOM.newUniqueId();
    logs = recordLogs();
    await runInDurableObject(env.CHAT_ROOM.get(id), (_, state) =>
      logObject(state, "warn", "probe", { detail: 1 }),
    );
    expect(logs.lines()).toContainEqual({
      level: "warn",
      event: "probe",
      object: id.toString(),
      detail: 1,
    });
  });
});
