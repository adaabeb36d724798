import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, it, type ExpectStatic } from "vitest";
import { userKey } from "../../src/identity/user-name";
import { loadWorker, roomName } from "../helpers/chat-client";
import { ADMIN, errorCode } from "../helpers/http";
import {
  bearer,
  callAs,
  postMessage,
  upgradeAs,
  VERIFIED,
} from "../helpers/identity";
import { recordLogs } from "../helpers/logs";
import { NOTHING_STORED, storedIn } from "../helpers/storage";

beforeAll(loadWorker, 60_000);

type Claimed = {
  user: string;
  token: string;
  expiresAt: number;
  hold: { secret: string; expiresAt: number };
};

const claim = (body: unknown, headers: Record<string, string> = {}) =>
  callAs("/api/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

async function claimed(expect: ExpectStatic, user: string): Promise<Claimed> {
  const res = await claim({ user });
  expect(res.status).toBe(201);
  return res.json<Claimed>();
}

const release = (user: string, authorization?: string) =>
  callAs(`/api/sessions/${encodeURIComponent(user)}`, {
    method: "DELETE",
    headers: authorization ? { Authorization: authorization } : {},
  });

/** What the name's hold object stores now, read from inside it. */
const holdStorage = (user: string) =>
  storedIn(env.NAME_HOLD.getByName(userKey(user)));

/** A name no other test uses: random letters, since digits fold into look-alike letters. */
const freshName = () =>
  `ada ${Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) => String.fromCharCode(97 + (byte % 26))).join("")}`;

describe("claiming a name in verified mode", () => {
  it("gives a free name to whoever claims it, without the admin token", async ({
    expect,
  }) => {
    const user = freshName();
    const res = await claim({ user });
    expect(res.status).toBe(201);
    const body = await res.json<Claimed>();
    expect(body.user).toBe(user);
    expect(body.hold.secret.length).toBeGreaterThanOrEqual(22); // 128 bits in base64url
    expect(body.hold.expiresAt).toBeGreaterThan(body.expiresAt);
    expect(res.headers.get("Set-Cookie")).toMatch(/^__Host-session_/);
    const post = await postMessage(
      roomName(),
      { user, text: "mine" },
      bearer(body.token),
    );
    expect(post.status).toBe(201);
  });

  it("refuses a held name, and every look-alike of it, with 409 name_taken", async ({
    expect,
  }) => {
    const user = freshName();
    await claimed(expect, user);
    for (const other of [
      user,
      user.toUpperCase(),
      user.replace("a", "\u0430"),
      ` ${user.replace(" ", "   ")} `,
    ]) {
      const res = await claim({ user: other });
      expect(res.status, other).toBe(409);
      expect(await errorCode(res)).toBe("name_taken");
    }
  });

  it("renews with the hold secret: same hold, later expiry, a fresh credential", async ({
    expect,
  }) => {
    const user = freshName();
    const first = await claimed(expect, user);
    const res = await claim({ user, hold: first.hold.secret });
    expect(res.status).toBe(201);
    const renewed = await res.json<Claimed>();
    expect(renewed.hold.secret).toBe(first.hold.secret);
    expect(renewed.hold.expiresAt).toBeGreaterThanOrEqual(first.hold.expiresAt);
    const wrong = await claim({ user, hold: "not-the-secret" });
    expect(wrong.status).toBe(409);
  });

  it("lets no one else post or join as a held name, even with a credential from before", async ({
    expect,
  }) => {
    const user = freshName();
    const first = await claimed(expect, user);
    expect((await release(user, `Hold ${first.hold.secret}`)).status).toBe(204);
    const second = await claimed(expect, user);
    expect(second.hold.secret).not.toBe(first.hold.secret);
    // The first holder's credential was valid for 15 minutes; the name has a new holder now.
    const room = roomName();
    const stale = await postMessage(
      room,
      { user, text: "me?" },
      bearer(first.token),
    );
    expect(stale.status).toBe(401);
    const upgrade = await upgradeAs(room, user, bearer(first.token));
    expect(upgrade.status).toBe(401);
    const fresh = await postMessage(
      room,
      { user, text: "me" },
      bearer(second.token),
    );
    expect(fresh.status).toBe(201);
  });

  it("counts claims against the write limiter", async ({ expect }) => {
    const { TIGHT_WRITE_LIMITER } = env as unknown as Record<string, RateLimit>;
    const ip = `203.0.113.${Math.floor(Math.random() * 256)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await callAs(
        "/api/sessions",
        {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "CF-Connecting-IP": ip,
          },
          body: JSON.stringify({ user: freshName() }),
        },
        { ...VERIFIED, WRITE_LIMITER: TIGHT_WRITE_LIMITER } as never,
      );
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
  });
});

describe("releasing and lapsing", () => {
  it("releases with the hold secret, leaving the object with nothing stored", async ({
    expect,
  }) => {
    const user = freshName();
    const { hold } = await claimed(expect, user);
    expect((await holdStorage(user)).tables).toContain("hold");
    expect((await release(user)).status).toBe(401);
    expect((await release(user, "Hold wrong")).status).toBe(403);
    const res = await release(user, `Hold ${hold.secret}`);
    expect(res.status).toBe(204);
    expect(await holdStorage(user)).toEqual(NOTHING_STORED);
    await claimed(expect, user);
  });

  it("releases any hold with the admin token, which also mints without a hold", async ({
    expect,
  }) => {
    const user = freshName();
    await claimed(expect, user);
    const minted = await claim({ user }, ADMIN);
    expect(minted.status).toBe(201);
    expect(await minted.json()).not.toHaveProperty("hold");
    expect((await release(user, ADMIN.Authorization)).status).toBe(204);
    expect(await holdStorage(user)).toEqual(NOTHING_STORED);
  });

  it("lasts NAME_HOLD_HOURS after the last renewal, 24 by default", async ({
    expect,
  }) => {
    const HOUR = 3_600_000;
    for (const [hours, config] of [
      [24, {}],
      [2, { NAME_HOLD_HOURS: "2" }],
    ] as const) {
      const before = Date.now();
      const res = await callAs(
        "/api/sessions",
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ user: freshName() }),
        },
        { ...VERIFIED, ...config },
      );
      const { hold } = await res.json<Claimed>();
      expect(hold.expiresAt).toBeGreaterThanOrEqual(before + hours * HOUR);
      expect(hold.expiresAt).toBeLessThanOrEqual(Date.now() + hours * HOUR);
    }
  });

  it("lapses by alarm once its time has passed, deleting its storage", async ({
    expect,
  }) => {
    const user = freshName();
    const first = await claimed(expect, user);
    const stub = env.NAME_HOLD.getByName(userKey(user));
    expect((await holdStorage(user)).alarm).toBe(first.hold.expiresAt);
    // Not yet due: the alarm keeps the hold and re-arms.
    await runInDurableObject(stub, (_, state) =>
      state.storage.setAlarm(Date.now() + 60_000),
    );
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await holdStorage(user)).tables).toContain("hold");
    // The clock passes the hold's time (set in its row, as a day going by would).
    await runInDurableObject(stub, (_, state) => {
      state.storage.sql.exec("UPDATE hold SET expires_at = ?", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await holdStorage(user)).toEqual(NOTHING_STORED);
    const post = await postMessage(
      roomName(),
      { user, text: "x" },
      bearer(first.token),
    );
    expect(post.status).toBe(401);
    await claimed(expect, user);
  });

  it("stores nothing when an unheld name is looked up or released", async ({
    expect,
  }) => {
    const user = freshName();
    const stub = env.NAME_HOLD.getByName(userKey(user));
    expect(await stub.isHeldBy({ holdId: "x" })).toBe(false);
    expect((await release(user, "Hold whatever")).status).toBe(403);
    expect((await release(user, ADMIN.Authorization)).status).toBe(204);
    expect(await holdStorage(user)).toEqual(NOTHING_STORED);
  });
});

describe("hold secrets stay secret", () => {
  it("never writes a hold secret or its credential into a log line", async ({
    expect,
  }) => {
    const logs = recordLogs();
    try {
      const user = freshName();
      const first = await claimed(expect, user);
      await claim({ user, hold: first.hold.secret });
      await claim({ user });
      await release(user, "Hold wrong");
      await release(user, `Hold ${first.hold.secret}`);
      const written = JSON.stringify(logs.lines());
      expect(written).toContain("/api/sessions");
      expect(written).not.toContain(first.hold.secret);
      expect(written).not.toContain(first.token.split(".")[2]);
    } finally {
      logs.restore();
    }
  });
});

describe("credentials name their deployment", () => {
  it("refuses a token minted by another deployment that shares the secret", async ({
    expect,
  }) => {
    const user = freshName();
    const staging = await callAs(
      "/api/sessions",
      {
        method: "POST",
        headers: { "Content-Type": "application/json", ...ADMIN },
        body: JSON.stringify({ user }),
      },
      {
        ...VERIFIED,
        DEPLOYMENT: "workers-durable-objects-starter-staging",
      } as never,
    );
    const { token } = await staging.json<{ token: string }>();
    const res = await postMessage(
      roomName(),
      { user, text: "x" },
      bearer(token),
    );
    expect(res.status).toBe(401);
  });
});
