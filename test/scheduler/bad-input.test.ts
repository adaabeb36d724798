import { describe, it } from "vitest";
import { ADMIN, api, errorCode, expectError, postJson } from "../helpers/http";
import {
  countByStatus,
  newScheduler,
  schedule,
  useFrozenClock,
} from "../helpers/scheduler";

useFrozenClock();

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const counterAction = { type: "counter.increment", counter: "c" };
const chatAction = { type: "chat.post", room: "lobby", text: "hi" };

type Case = [what: string, body: unknown, code: string];

function withAction(action: unknown): Record<string, unknown> {
  return { delay: 5, action };
}

/** Times that are wrong, each with a valid action: 400 invalid_request. */
const badTimes = (): [what: string, when: Record<string, unknown>][] => [
  ["no time at all", {}],
  ["at and delay", { at: Date.now(), delay: 5 }],
  ["delay and cron", { delay: 5, cron: "* * * * *" }],
  ["at and cron", { at: Date.now(), cron: "* * * * *" }],
  ["a negative at", { at: -1 }],
  ["a fractional at", { at: Date.now() + 0.5 }],
  ["an at that is not a date", { at: "tomorrow" }],
  ["an ISO at without a time zone", { at: "2099-01-01T00:00:00" }],
  ["a date-only at", { at: "2099-01-01" }],
  ["an at more than a year ahead", { at: Date.now() + YEAR_MS + 1 }],
  [
    "an ISO at more than a year ahead",
    { at: new Date(Date.now() + YEAR_MS + 60_000).toISOString() },
  ],
  ["a boolean at", { at: true }],
  ["a zero delay", { delay: 0 }],
  ["a negative delay", { delay: -5 }],
  ["a delay over a year", { delay: YEAR_MS / 1000 + 1 }],
  ["a string delay", { delay: "5" }],
  ["a cron that is not cron", { cron: "every day" }],
  ["a cron minute of 61", { cron: "61 * * * *" }],
  ["a 6-field cron", { cron: "*/5 * * * * *" }],
  ["a cron that never fires", { cron: "0 0 30 2 *" }],
  ["an empty cron", { cron: "" }],
  ["a numeric cron", { cron: 5 }],
];

/** Actions that are wrong, each due in 5 s: 400 invalid_request. */
const badActions: [what: string, action: unknown][] = [
  ["an action that is not an object", "counter.increment"],
  ["an unknown action type", { type: "email.send", to: "a@b" }],
  ["an action without a type", { counter: "c" }],
  ["a counter action without a counter", { type: "counter.increment" }],
  ["a bad counter name", { ...counterAction, counter: "a b" }],
  [
    "a counter name of 65 characters",
    { ...counterAction, counter: "x".repeat(65) },
  ],
  ["a zero by", { ...counterAction, by: 0 }],
  ["a fractional by", { ...counterAction, by: 1.5 }],
  ["a by over a million", { ...counterAction, by: 1_000_001 }],
  ["a string by", { ...counterAction, by: "2" }],
  ["a chat action without text", { type: "chat.post", room: "lobby" }],
  ["a chat action without a room", { type: "chat.post", text: "hi" }],
  ["a blank text", { ...chatAction, text: "   " }],
  ["a text of 2001 characters", { ...chatAction, text: "x".repeat(2001) }],
  ["a bad room name", { ...chatAction, room: "../lobby" }],
  ["a blank user", { ...chatAction, user: " " }],
  ["a user of 33 characters", { ...chatAction, user: "u".repeat(33) }],
  ["a user with a control character", { ...chatAction, user: "a\u0007b" }],
];

/** A function, because some bodies are relative to the (frozen) clock. */
const badBodies = (): Case[] => [
  ["malformed JSON", "{delay: 5", "invalid_json"],
  ["an empty body", "", "invalid_json"],
  ["a JSON array", "[]", "invalid_request"],
  ["JSON null", "null", "invalid_request"],
  [
    "an unknown field",
    { ...withAction(counterAction), extra: 1 },
    "unknown_field",
  ],
  ["no action", { delay: 5 }, "invalid_request"],
  [
    "an unknown action field",
    withAction({ ...counterAction, extra: 1 }),
    "unknown_field",
  ],
  [
    "an unknown chat field",
    withAction({ ...chatAction, counter: "c" }),
    "unknown_field",
  ],
  [
    "an empty key",
    { ...withAction(counterAction), key: "" },
    "invalid_request",
  ],
  [
    "a key of 129 characters",
    { ...withAction(counterAction), key: "k".repeat(129) },
    "invalid_request",
  ],
  [
    "a numeric key",
    { ...withAction(counterAction), key: 7 },
    "invalid_request",
  ],
  ...badTimes().map(([what, when]): Case => [
    what,
    { ...when, action: counterAction },
    "invalid_request",
  ]),
  ...badActions.map(([what, action]): Case => [
    what,
    withAction(action),
    "invalid_request",
  ]),
];

// Generous: the first test of a file also pays for starting the Worker, on a busy 2-core CI.
describe("scheduler bad input", { timeout: 30_000 }, () => {
  it("accepts the edges of every range", async ({ expect }) => {
    const { name } = newScheduler();
    const good: unknown[] = [
      { at: 0, action: counterAction },
      { at: Date.now() + YEAR_MS, action: { ...counterAction, by: 1_000_000 } },
      { delay: 0.001, action: { ...counterAction, by: 1 } },
      { delay: YEAR_MS / 1000, action: counterAction },
      {
        delay: 5,
        action: { ...chatAction, text: "x".repeat(2000), user: "u".repeat(32) },
      },
      { delay: 5, action: { ...chatAction, text: "😀".repeat(2000) } },
      { delay: 5, action: counterAction, key: "k".repeat(128) },
      {
        // The same instant written at UTC+2.
        at: new Date(Date.now() + 7_200_000)
          .toISOString()
          .replace("Z", "+02:00"),
        action: counterAction,
      },
    ];
    for (const body of good) {
      const res = await schedule(name, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(201);
    }
  });

  for (const [what, , code] of badBodies()) {
    it(`refuses ${what} with 400 ${code} and stores nothing`, async ({
      expect,
    }) => {
      const { name } = newScheduler();
      // Rebuilt under the frozen clock: some bodies are relative to now.
      const body = badBodies().find(([label]) => label === what)![1];
      const res = await schedule(name, body);
      expect(res.status).toBe(400);
      const { error } = await res.json<{
        error: { code: string; message: string };
      }>();
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(5);
      expect(await countByStatus(name)).toEqual({});
    });
  }

  it("refuses bad scheduler names and event ids with 400 invalid_name", async ({
    expect,
  }) => {
    const id = crypto.randomUUID();
    const calls: [string, string][] = [
      ["POST", "/api/schedulers/bad.name/events"],
      ["GET", `/api/schedulers/${"s".repeat(65)}/events`],
      ["GET", `/api/schedulers/ok/events/not.an.id`],
      ["DELETE", `/api/schedulers/b%20d/events/${id}`],
      ["POST", `/api/schedulers/ok/events/${"i".repeat(65)}/retry`],
    ];
    for (const [method, path] of calls) {
      const res =
        method === "POST"
          ? await postJson(path, withAction(counterAction), ADMIN)
          : await api(path, { method, headers: ADMIN });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(await errorCode(res)).toBe("invalid_name");
    }
  });

  it("refuses bad list queries with 400", async ({ expect }) => {
    const { name } = newScheduler();
    const cursor = btoa("1:abc").replaceAll("=", "");
    const queries: [string, string][] = [
      ["?status=running", "invalid_request"],
      ["?status=", "invalid_request"],
      ["?limit=0", "invalid_request"],
      ["?limit=101", "invalid_request"],
      ["?limit=ten", "invalid_request"],
      ["?limit=-1", "invalid_request"],
      ["?limit=2.5", "invalid_request"],
      ["?cursor=not-a-cursor", "invalid_request"],
      ["?cursor=%3D%3D", "invalid_request"],
      [`?cursor=${btoa("x:abc")}`, "invalid_request"],
      [`?cursor=${cursor}&unknown=1`, "unknown_field"],
    ];
    for (const [query, code] of queries) {
      const res = await api(`/api/schedulers/${name}/events${query}`, {
        headers: ADMIN,
      });
      expect(res.status, query).toBe(400);
      expect(await errorCode(res), query).toBe(code);
    }
    const valid = await api(`/api/schedulers/${name}/events?cursor=${cursor}`, {
      headers: ADMIN,
    });
    expect(valid.status).toBe(200);
  });

  it("refuses a body that is not JSON (415) or over 64 KiB (413) and stores nothing", async ({
    expect,
  }) => {
    const { name } = newScheduler();
    const path = `/api/schedulers/${name}/events`;
    const plain = await api(path, {
      method: "POST",
      headers: { ...ADMIN, "Content-Type": "text/plain" },
      body: JSON.stringify(withAction(counterAction)),
    });
    await expectError(expect, plain, 415, "unsupported_media_type");
    const huge = await postJson(
      path,
      { ...withAction({ ...chatAction }), key: "k".repeat(70_000) },
      ADMIN,
    );
    await expectError(expect, huge, 413, "payload_too_large");
    expect(await countByStatus(name)).toEqual({});
  });
});
