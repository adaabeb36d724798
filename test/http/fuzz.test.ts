import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, it, type ExpectStatic } from "vitest";
import { MAX_BODY_BYTES } from "../../src/http/middleware/body-limit";
import { shardCount, shardName } from "../../src/counter/shards";
import { api, uniqueName } from "../helpers/http";

/** The resources whose stored state the property watches. */
const COUNTERS = [uniqueName("fz-a"), uniqueName("fz-b")];
const SHARDED = uniqueName("fz-s");
const ROOM = uniqueName("fz-r");
const SCHEDULER = uniqueName("fz-sc");
/** Scheduled actions only ever touch these, so an event running mid-test moves nothing watched. */
const UNWATCHED = { counter: uniqueName("fz-t"), room: uniqueName("fz-tr") };
let eventId = "";

/** Every status the spec gives the API; anything else (a 500 above all) fails the property. */
const SPEC_STATUSES = new Set([
  101, 200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 426,
]);

async function storedState(): Promise<string> {
  const scheduler = env.SCHEDULER.getByName(SCHEDULER);
  return JSON.stringify({
    counters: await Promise.all(
      COUNTERS.map((name) => env.COUNTER.getByName(name).get()),
    ),
    shards: await Promise.all(
      Array.from({ length: shardCount(env) }, (_, i) =>
        env.COUNTER.getByName(shardName(SHARDED, i)).get(),
      ),
    ),
    room: await env.CHAT_ROOM.getByName(ROOM).history({ limit: 200 }),
    events: await Promise.all(
      (["pending", "done", "dead"] as const).map((status) =>
        scheduler.list({ status, limit: 100 }),
      ),
    ),
  });
}

const printable = (maxLength: number) =>
  fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${maxLength}}$`));
/** Header values a client can send: printable ASCII and tabs (workerd only warns on the rest). */
const headerValue = fc.stringMatching(/^[\t\x20-\x7e]{0,60}$/);
const validName = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

const badName = fc.constantFrom(
  "",
  "..",
  ".",
  "%",
  "%ZZ",
  "%00",
  "%2F",
  "a%2Fb",
  "x".repeat(65),
  "ümlaut",
  "😀",
  "a b",
);
const name = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(...COUNTERS, SHARDED, ROOM, SCHEDULER),
  },
  { weight: 1, arbitrary: validName },
  { weight: 1, arbitrary: badName },
  {
    weight: 1,
    arbitrary: fc.string({ maxLength: 70 }).map(encodeURIComponent),
  },
);
const id = fc.oneof(fc.constant("EVENT_ID"), validName, badName);

/** Mostly the real routes with watched names, so requests reach the objects; else noise. */
const route = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "/api/counters/N",
          "/api/counters/N/increment",
          "/api/counters/N/decrement",
          "/api/sharded-counters/N",
          "/api/sharded-counters/N/increment",
          "/api/rooms/N",
          "/api/rooms/N/messages",
          "/api/rooms/N/websocket",
          "/api/schedulers/N/events",
          "/api/schedulers/N/events/I",
          "/api/schedulers/N/events/I/retry",
          "/api/health",
          "/api/openapi.json",
        ),
        name,
        id,
      )
      .map(([template, n, i]) => template.replace("N", n).replace("I", i)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          "/api",
          "/api/counters",
          "/api/rooms",
          "/api/schedulers",
        ),
        fc.array(
          fc.oneof(
            name,
            id,
            fc.constantFrom("increment", "messages", "events", "retry"),
          ),
          { maxLength: 4 },
        ),
      )
      .map(
        ([root, segments]) => `${root}${segments.map((s) => `/${s}`).join("")}`,
      ),
  },
);

const path = fc
  .tuple(
    route,
    fc.option(
      fc.array(
        fc.tuple(
          fc.constantFrom(
            "limit",
            "before",
            "after",
            "status",
            "cursor",
            "user",
            "location",
            "x",
          ),
          fc.oneof(
            printable(12),
            fc.integer({ min: -5, max: 300 }).map(String),
            fc.constantFrom("ada", "pending", "done", "dead", "weur", ""),
          ),
        ),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
  )
  .map(([route, query]) =>
    query ? `${route}?${new URLSearchParams(query).toString()}` : route,
  )
  // Clients resolve dot segments; what leaves /api is the static assets' business, not the API's.
  .filter((path) =>
    /^\/api(\/|$)/.test(new URL(path, "https://example.com").pathname),
  );

const json = (value: unknown) => JSON.stringify(value);
const action = fc.oneof(
  fc.record(
    {
      type: fc.constant("counter.increment"),
      counter: fc.constant(UNWATCHED.counter),
      by: fc.oneof(fc.integer(), fc.anything()),
    },
    { requiredKeys: ["type", "counter"] },
  ),
  fc.record(
    {
      type: fc.constant("chat.post"),
      room: fc.constant(UNWATCHED.room),
      text: fc.string(),
      user: fc.string(),
    },
    { requiredKeys: ["type", "room"] },
  ),
  fc.anything(),
);
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.json() },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          by: fc.oneof(fc.integer({ min: -2, max: 1_000_001 }), fc.anything()),
        },
        { requiredKeys: [] },
      )
      .map(json),
  },
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          user: fc.oneof(fc.constant("ada"), fc.string({ maxLength: 40 })),
          text: fc.oneof(fc.constant(" hi "), fc.string({ maxLength: 40 })),
        },
        { requiredKeys: [] },
      )
      .map(json),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        user: fc.constant("ada"),
        text: fc.constant("hi"),
        extra: fc.anything(),
      })
      .map(json),
  },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          delay: fc.oneof(
            fc.integer({ min: 3600, max: 31_536_000 }),
            fc.anything(),
          ),
          at: fc.oneof(fc.constant(Date.now() + 1e10), fc.string()),
          cron: fc.constantFrom("0 0 1 1 *", "nope", "* * *"),
          key: printable(130),
          action,
        },
        { requiredKeys: ["action"] },
      )
      .map(json),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 50 }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: MAX_BODY_BYTES - 2, max: MAX_BODY_BYTES + 2048 })
      .map((size) => json({ text: "x".repeat(size) })),
  },
);

const headers = fc.record(
  {
    "Content-Type": fc.oneof(
      { weight: 3, arbitrary: fc.constant("application/json") },
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "application/merge-patch+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
      ),
      printable(30),
    ),
    Authorization: fc.oneof(
      fc.constantFrom(
        "Bearer test-admin-token-of-at-least-32-chars",
        "Bearer wrong",
        "bearer test-admin-token-of-at-least-32-chars",
        "Basic x",
      ),
      headerValue,
    ),
    "Idempotency-Key": fc.oneof(printable(140), headerValue),
    Origin: fc.oneof(
      fc.constantFrom("https://example.com", "https://evil.example", "null"),
      printable(40),
    ),
    Upgrade: fc.constantFrom("websocket", "h2c"),
    "X-Request-Id": fc.oneof(printable(300), headerValue),
  },
  { requiredKeys: [] },
);

const request = fc.record({
  method: fc.oneof(
    { weight: 4, arbitrary: fc.constant("POST") },
    { weight: 3, arbitrary: fc.constant("GET") },
    { weight: 2, arbitrary: fc.constant("DELETE") },
    {
      weight: 2,
      arbitrary: fc.constantFrom("HEAD", "PUT", "PATCH", "OPTIONS"),
    },
  ),
  path,
  headers,
  body,
});

beforeAll(async () => {
  await env.COUNTER.getByName(COUNTERS[0]!).increment({ by: 3 });
  await env.CHAT_ROOM.getByName(ROOM).post({ user: "seed", text: "hello" });
  const created = await env.SCHEDULER.getByName(SCHEDULER).create({
    runAt: Date.now() + 365 * 24 * 60 * 60 * 1000,
    action: { type: "counter.increment", counter: UNWATCHED.counter, by: 1 },
  });
  if ("failure" in created) throw new Error(created.failure.message);
  eventId = created.event.id;
}, 60_000);

describe("the API under random requests", () => {
  it("answers JSON with a spec'd status, never 500, and leaves state alone when it refuses", async ({
    expect,
  }) => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, headers, body }) => {
        const before = await storedState();
        const res = await api(path.replaceAll("EVENT_ID", eventId), {
          method,
          headers,
          body: method === "GET" || method === "HEAD" ? undefined : body,
        });
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        expect(SPEC_STATUSES, `${method} ${path}`).toContain(res.status);
        expect(res.headers.get("X-Request-Id")).toBeTruthy();
        if (res.status === 101) {
          res.webSocket!.accept();
          res.webSocket!.close(1000, "fuzz done");
        } else if (res.status !== 204) {
          expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
          if (method !== "HEAD") await expectJsonAnswer(expect, res);
        }
        if (res.status === 401)
          expect(res.headers.get("WWW-Authenticate")).toBe("Bearer");
        if (res.status === 405) expect(res.headers.get("Allow")).toBeTruthy();
        if (res.status >= 400) expect(await storedState()).toBe(before);
      }),
      { numRuns: 250 },
    );
    for (const status of [200, 400, 401, 404, 405]) {
      expect(
        seen.get(status),
        `status ${status} was never produced`,
      ).toBeGreaterThan(0);
    }
  }, 240_000);
});

async function expectJsonAnswer(expect: ExpectStatic, res: Response) {
  const parsed: unknown = JSON.parse(await res.text());
  if (res.status < 400) return;
  expect(parsed).toEqual({
    error: {
      code: expect.stringMatching(/^[a-z]+(_[a-z]+)*$/) as string,
      message: expect.any(String) as string,
    },
  });
}
