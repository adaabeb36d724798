import { describe, it, type ExpectStatic } from "vitest";
import {
  ADMIN,
  api,
  asAdmin,
  errorCode,
  expectError,
  uniqueName,
} from "../helpers/http";
import {
  advanceTo,
  alarmOf,
  countByStatus,
  increment,
  newScheduler,
  runAlarm,
  schedule,
  scheduled,
  useFrozenClock,
  type ScheduledEvent,
} from "../helpers/scheduler";

useFrozenClock();

type Page = { events: ScheduledEvent[]; cursor: string | null };

async function list(
  expect: ExpectStatic,
  scheduler: string,
  query = "",
): Promise<Page> {
  const res = await api(`/api/schedulers/${scheduler}/events${query}`, {
    headers: ADMIN,
  });
  expect(res.status).toBe(200);
  return res.json<Page>();
}

function eventPath(scheduler: string, id: string): string {
  return `/api/schedulers/${scheduler}/events/${id}`;
}

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("scheduler routes", { timeout: 30_000 }, () => {
  it("creates with 201, and answers a repeated request with 200 and the same event", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const body = {
      delay: 60,
      key: "daily-report",
      action: increment(uniqueName("c")),
    };
    const first = await schedule(name, body);
    expect(first.status).toBe(201);
    const event = await first.json<ScheduledEvent>();
    expect(event.key).toBe("daily-report");

    // A retry arrives later with the same body: the same event, its time from the first request.
    advanceTo(expect, Date.now() + 5_000);
    const again = await schedule(name, { ...body, action: { ...body.action } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(event);
    expect(await countByStatus(name)).toEqual({ pending: 1 });
  });

  it("refuses a key reused with another time or action, and changes nothing", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const action = increment(uniqueName("c"));
    const event = await scheduled(expect, name, {
      delay: 60,
      key: "k",
      action,
    });
    for (const body of [
      { delay: 999, key: "k", action },
      { delay: 60, key: "k", action: { ...action, by: 50 } },
      { at: event.runAt, key: "k", action },
      { cron: "* * * * *", key: "k", action },
    ]) {
      const res = await schedule(name, body);
      await expectError(expect, res, 422, "idempotency_key_reused");
    }
    expect(await countByStatus(name)).toEqual({ pending: 1 });
    const found = await api(eventPath(name, event.id), { headers: ADMIN });
    expect(await found.json()).toEqual(event);
  });

  it("treats an ISO time and its epoch ms, and a default spelled out, as one request", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const at = Date.now() + 60_000;
    const counter = uniqueName("c");
    const event = await scheduled(expect, name, {
      at,
      key: "k",
      action: { type: "counter.increment", counter },
    });
    const again = await schedule(name, {
      at: new Date(at).toISOString(),
      key: "k",
      action: { type: "counter.increment", counter, by: 1 },
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(event);
  });

  it("keeps a key taken while its event exists, done included, and frees it on cancel", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const action = increment(uniqueName("c"));
    const at = Date.now();
    const done = await scheduled(expect, name, { at, key: "k", action });
    await runAlarm(name);
    const repeat = await schedule(name, { at, key: "k", action });
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toMatchObject({ id: done.id, status: "done" });

    const cancelled = await asAdmin("DELETE", eventPath(name, done.id));
    expect(cancelled.status).toBe(204);
    const fresh = await schedule(name, { delay: 5, key: "k", action });
    expect(fresh.status).toBe(201);
    expect((await fresh.json<ScheduledEvent>()).id).not.toBe(done.id);
  });

  it("gets an event by id, and 404s an unknown id", async ({ expect }) => {
    const { name } = newScheduler();
    const event = await scheduled(expect, name, {
      delay: 30,
      action: { type: "chat.post", room: "lobby", text: "hi" },
    });
    const found = await api(eventPath(name, event.id), { headers: ADMIN });
    expect(found.status).toBe(200);
    const body = await found.json();
    expect(body).toEqual(event);
    expect(Object.keys(body as object).sort()).toEqual(
      ["action", "attempts", "createdAt", "id", "runAt", "status"].sort(),
    );
    const missing = await api(eventPath(name, crypto.randomUUID()), {
      headers: ADMIN,
    });
    await expectError(expect, missing, 404, "not_found");
  });

  it("cancels with 204, then 404s the same id", async ({ expect }) => {
    const { name } = newScheduler();
    const event = await scheduled(expect, name, {
      delay: 30,
      action: increment(uniqueName("c")),
    });
    const init = { method: "DELETE", headers: ADMIN };
    expect((await api(eventPath(name, event.id), init)).status).toBe(204);
    expect(await alarmOf(name)).toBeNull();
    const again = await api(eventPath(name, event.id), init);
    await expectError(expect, again, 404, "not_found");
    expect(
      (await api(eventPath(name, event.id), { headers: ADMIN })).status,
    ).toBe(404);
  });

  it("lists pending events by runAt, page by page, with an opaque cursor", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const now = Date.now();
    const action = increment(uniqueName("c"));
    const created: ScheduledEvent[] = [];
    // Two events share each runAt, so paging must break ties by id.
    for (const offset of [50, 10, 40, 20, 30, 10, 50, 20, 40, 30, 60]) {
      created.push(
        await scheduled(expect, name, { at: now + offset * 1000, action }),
      );
    }
    const expected = [...created].sort(
      (a, b) => a.runAt - b.runAt || (a.id < b.id ? -1 : 1),
    );
    const seen: ScheduledEvent[] = [];
    let query = "?limit=3";
    for (let pages = 0; pages < 10; pages++) {
      const page = await list(expect, name, query);
      expect(page.events.length).toBeLessThanOrEqual(3);
      seen.push(...page.events);
      if (page.cursor === null) break;
      expect(page.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      query = `?limit=3&cursor=${page.cursor}`;
    }
    expect(seen.map((event) => event.id)).toEqual(
      expected.map((event) => event.id),
    );
  });

  it("lists by status: pending by default, done and dead on request", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const now = Date.now();
    const ran = await scheduled(expect, name, {
      at: now,
      action: increment(uniqueName("c")),
    });
    const waiting = await scheduled(expect, name, {
      at: now + 60_000,
      action: increment(uniqueName("c")),
    });
    await runAlarm(name);
    expect((await list(expect, name)).events.map((e) => e.id)).toEqual([
      waiting.id,
    ]);
    expect(
      (await list(expect, name, "?status=pending")).events.map((e) => e.id),
    ).toEqual([waiting.id]);
    const done = await list(expect, name, "?status=done");
    expect(done.events.map((e) => e.id)).toEqual([ran.id]);
    expect(done.cursor).toBeNull();
    expect(await list(expect, name, "?status=dead")).toEqual({
      events: [],
      cursor: null,
    });
  });

  it("defaults to 50 events per page", async ({ expect }) => {
    const { name, stub } = newScheduler();
    const action = increment(uniqueName("c"));
    await Promise.all(
      Array.from({ length: 51 }, () =>
        stub.create({ runAt: Date.now() + 60_000, action }),
      ),
    );
    const page = await list(expect, name);
    expect(page.events).toHaveLength(50);
    expect(page.cursor).not.toBeNull();
  });

  it("requires the admin token on every scheduler route", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const event = await scheduled(expect, name, {
      delay: 30,
      action: increment(uniqueName("c")),
    });
    const calls: [string, string][] = [
      ["POST", `/api/schedulers/${name}/events`],
      ["GET", `/api/schedulers/${name}/events`],
      ["GET", eventPath(name, event.id)],
      ["DELETE", eventPath(name, event.id)],
      ["POST", `${eventPath(name, event.id)}/retry`],
    ];
    for (const [method, path] of calls) {
      for (const headers of [
        {} as Record<string, string>,
        { Authorization: "Bearer wrong-token" },
        { Authorization: "test-admin-token-of-at-least-32-chars" },
      ]) {
        const res = await api(path, { method, headers });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
        expect(await errorCode(res)).toBe("unauthorized");
      }
    }
    expect(await countByStatus(name)).toEqual({ pending: 1 });
  });

  it("describes every scheduler route in the OpenAPI document", async ({
    expect,
  }) => {
    const doc = await (
      await api("/api/openapi.json")
    ).json<{
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    }>();
    const expected: [string, string][] = [
      ["/api/schedulers/{scheduler}/events", "post"],
      ["/api/schedulers/{scheduler}/events", "get"],
      ["/api/schedulers/{scheduler}/events/{id}", "get"],
      ["/api/schedulers/{scheduler}/events/{id}", "delete"],
      ["/api/schedulers/{scheduler}/events/{id}/retry", "post"],
    ];
    for (const [path, method] of expected) {
      expect(doc.paths[path]?.[method]?.security, `${method} ${path}`).toEqual([
        { bearer: [] },
      ]);
    }
  });

  it("answers a wrong method with 405 and Allow", async ({ expect }) => {
    const res = await api("/api/schedulers/a/events", {
      method: "PUT",
      headers: ADMIN,
    });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST, GET, HEAD");
  });
});
