import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, it, type ExpectStatic } from "vitest";
import { app } from "../../src/app";
import {
  clientKey,
  LIMIT_PERIOD_SECONDS,
} from "../../src/http/middleware/rate-limit";
import { api, uniqueName } from "../helpers/http";

/** vitest.config.ts binds them with the shape a deployed environment uses: 5 per 10 s. */
const TIGHT_LIMIT = 5;
const { TIGHT_WRITE_LIMITER, TIGHT_READ_LIMITER } = env as unknown as Record<
  string,
  RateLimit
>;
const tight = {
  ...env,
  WRITE_LIMITER: TIGHT_WRITE_LIMITER!,
  READ_LIMITER: TIGHT_READ_LIMITER!,
};

/** A client address no other test uses, so each test has its own budget. */
const uniqueIp = () =>
  `198.51.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;

function callAs(
  ip: string,
  path: string,
  init: RequestInit = {},
  { origin = "https://example.com", vars = {} } = {},
) {
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", ip);
  return Promise.resolve(
    app.fetch(
      new Request(`${origin}${path}`, { ...init, headers }),
      { ...tight, ...vars },
      createExecutionContext(),
    ),
  );
}

const increment = (
  ip: string,
  name: string,
  options?: Parameters<typeof callAs>[3],
) => callAs(ip, `/api/counters/${name}/increment`, { method: "POST" }, options);

/**
 * Sends until the first 429. Windows roll over on the clock, so a burst may straddle one
 * boundary and get up to twice the limit through; it cannot get more.
 */
async function untilLimited(
  expect: ExpectStatic,
  send: () => Promise<Response>,
) {
  let accepted = 0;
  for (let sent = 0; sent <= 2 * TIGHT_LIMIT; sent++) {
    const res = await send();
    if (res.status === 429) return { accepted, limited: res };
    expect(res.status).toBe(200);
    accepted++;
  }
  throw new Error(`no 429 after ${2 * TIGHT_LIMIT + 1} requests`);
}

const burstUntilLimited = (
  expect: ExpectStatic,
  ip: string,
  name: string,
  options?: Parameters<typeof callAs>[3],
) => untilLimited(expect, () => increment(ip, name, options));

/** Reads of a new counter name each time, as a script probing names would. */
const readsUntilLimited = (expect: ExpectStatic, ip: string) =>
  untilLimited(expect, () =>
    callAs(ip, `/api/counters/${uniqueName("probe")}`),
  );

describe("per-client rate limit on writes", () => {
  it("answers 429 rate_limited with Retry-After once a client spends its budget, storing nothing", async ({
    expect,
  }) => {
    const name = uniqueName("limited");
    const { accepted, limited } = await burstUntilLimited(
      expect,
      uniqueIp(),
      name,
    );
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(2 * TIGHT_LIMIT);
    expect(limited.headers.get("Retry-After")).toBe(
      String(LIMIT_PERIOD_SECONDS),
    );
    expect(await limited.json()).toMatchObject({
      error: { code: "rate_limited" },
    });
    expect(limited.headers.get("X-Request-Id")).toBeTruthy();
    expect((await env.COUNTER.getByName(name).get()).value).toBe(accepted);
  });

  it("keeps reads open and other clients unaffected while one client is limited", async ({
    expect,
  }) => {
    const ip = uniqueIp();
    const name = uniqueName("limited");
    const { accepted } = await burstUntilLimited(expect, ip, name);
    const read = await callAs(ip, `/api/counters/${name}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ name, value: accepted });
    const other = await increment(uniqueIp(), name);
    expect(other.status).toBe(200);
  });

  it("counts WebSocket upgrades, refusing them before the room is woken", async ({
    expect,
  }) => {
    const ip = uniqueIp();
    await burstUntilLimited(expect, ip, uniqueName("limited"));
    const room = uniqueName("limited-room");
    const res = await callAs(ip, `/api/rooms/${room}/websocket?user=ada`, {
      headers: { Upgrade: "websocket" },
    });
    expect(res.status).toBe(429);
    expect((await env.CHAT_ROOM.getByName(room).info()).online).toBe(0);
  });

  it("lets the test suite and the benchmark write freely under the local default", async ({
    expect,
  }) => {
    const name = uniqueName("local");
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        api(`/api/counters/${name}/increment`, {
          method: "POST",
          headers: { "CF-Connecting-IP": "192.0.2.1" },
        }),
      ),
    );
    expect(answers.every((res) => res.status === 200)).toBe(true);
    expect((await env.COUNTER.getByName(name).get()).value).toBe(200);
  });
});

describe("per-client rate limit on reads", () => {
  it("answers 429 rate_limited with Retry-After once a client spends its read budget", async ({
    expect,
  }) => {
    const { accepted, limited } = await readsUntilLimited(expect, uniqueIp());
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(accepted).toBeLessThanOrEqual(2 * TIGHT_LIMIT);
    expect(limited.headers.get("Retry-After")).toBe(
      String(LIMIT_PERIOD_SECONDS),
    );
    const { error } = await limited.json<{
      error: { code: string; message: string };
    }>();
    expect(error.code).toBe("rate_limited");
    expect(error.message).toMatch(/too many reads/);
  });

  it("keeps the write budget separate: a client out of reads still writes", async ({
    expect,
  }) => {
    const ip = uniqueIp();
    await readsUntilLimited(expect, ip);
    const name = uniqueName("separate");
    expect((await increment(ip, name)).status).toBe(200);
    expect((await callAs(ip, `/api/counters/${name}`)).status).toBe(429);
    expect((await callAs(uniqueIp(), `/api/counters/${name}`)).status).toBe(
      200,
    );
  });

  it("lets the test suite and the benchmark read freely under the local default", async ({
    expect,
  }) => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        api(`/api/counters/${uniqueName("local")}`, {
          headers: { "CF-Connecting-IP": "192.0.2.2" },
        }),
      ),
    );
    expect(answers.every((res) => res.status === 200)).toBe(true);
  });
});

describe("the client key", () => {
  it("is the IPv4 address itself", ({ expect }) => {
    expect(clientKey("203.0.113.9")).toBe("203.0.113.9");
    expect(clientKey("203.0.113.10")).not.toBe(clientKey("203.0.113.9"));
  });

  it("is the /64 of an IPv6 address, however it is written", ({ expect }) => {
    const key = clientKey("2001:db8:0:1::1");
    expect(clientKey("2001:0DB8:0000:0001:ffff:ffff:ffff:ffff")).toBe(key);
    expect(clientKey("2001:db8:0:1:a:b:c:d")).toBe(key);
    expect(clientKey("2001:db8:0:2::1")).not.toBe(key);
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
  });

  it("falls back to the raw value or one shared key, never throwing", ({
    expect,
  }) => {
    expect(clientKey(undefined)).toBe("unknown");
    expect(clientKey("")).toBe("unknown");
    expect(clientKey("1:2:3")).toBe("1:2:3");
    expect(clientKey("::ffff:192.0.2.1")).toBe("::ffff:192.0.2.1");
    expect(clientKey("1::2::3")).toBe("1::2::3");
  });
});
