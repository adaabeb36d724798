import { createExecutionContext } from "cloudflare:test";
import { userKey } from "../../src/identity/user-name";
import { NOTHING_STORED, storedIn } from "../helpers/storage";
import { env } from "cloudflare:workers";
import { app } from "../../src/app";
import {
  afterEach,
  beforeAll,
  describe,
  it,
  vi,
  type ExpectStatic,
} from "vitest";
import {
  sessionCookieName,
  withoutCredentials,
} from "../../src/identity/identity";
import { SESSION } from "../../src/identity/session-token";
import {
  loadWorker,
  roomExists,
  roomName,
  storedMessages,
} from "../helpers/chat-client";
import { ADMIN, expectError } from "../helpers/http";
import {
  bearer,
  callAs,
  mint,
  postMessage,
  upgradeAs,
  VERIFIED,
} from "../helpers/identity";

beforeAll(loadWorker, 60_000);
afterEach(() => {
  vi.restoreAllMocks();
});

const mintAs = (
  body: unknown,
  headers: Record<string, string> = ADMIN,
  config = {},
) =>
  callAs(
    "/api/sessions",
    {
      method: "POST",
      headers: { "Content-Type": "application/json", ...headers },
      body: JSON.stringify(body),
    },
    { ...VERIFIED, ...config },
  );

/** The client end of an upgrade that succeeded, with its first frame. */
async function welcomeOf(
  expect: ExpectStatic,
  res: Response,
): Promise<{ ws: WebSocket; welcome: Record<string, unknown> }> {
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const welcome = nextFrame(ws);
  ws.accept();
  return { ws, welcome: await welcome };
}

function nextFrame(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    ws.addEventListener(
      "message",
      (event) =>
        resolve(JSON.parse(event.data as string) as Record<string, unknown>),
      { once: true },
    ),
  );
}

describe("verified mode with a credential", () => {
  it("posts as the credential's user, trimmed as the room stores it", async ({
    expect,
  }) => {
    const room = roomName();
    const { token } = await mint(expect, "ada");
    const res = await postMessage(
      room,
      { user: "  ada ", text: "hello" },
      bearer(token),
    );
    expect(res.status).toBe(201);
    expect((await res.json<{ user: string }>()).user).toBe("ada");
  });

  it("opens a socket with a bearer header, or with the cookie the mint route set", async ({
    expect,
  }) => {
    const { token, cookie } = await mint(expect, "ada");
    expect(cookie).toMatch(
      new RegExp(
        `^__Host-${sessionCookieName("ada")}=${token.replaceAll(".", "\\.")};`,
      ),
    );
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\/;/);
    expect(cookie).toMatch(new RegExp(`Max-Age=${SESSION.lifetimeS}`));
    for (const headers of [
      bearer(token),
      { Cookie: `other=1; ${cookie.split(";")[0]!}` },
    ]) {
      const { ws, welcome } = await welcomeOf(
        expect,
        await upgradeAs(roomName(), "ada", headers),
      );
      expect(welcome).toMatchObject({
        type: "welcome",
        user: "ada",
        online: ["ada"],
      });
      ws.close(1000);
    }
  });

  it("never lets a socket speak as anyone but its verified user", async ({
    expect,
  }) => {
    const room = roomName();
    const { token } = await mint(expect, "ada");
    const { ws } = await welcomeOf(
      expect,
      await upgradeAs(room, "ada", bearer(token)),
    );
    const echoed = nextFrame(ws);
    ws.send(JSON.stringify({ type: "message", text: "hi", user: "bob" }));
    expect(await echoed).toMatchObject({
      type: "message",
      user: "ada",
      text: "hi",
    });
    ws.close(1000);
    expect((await storedMessages(expect, room)).map((m) => m.user)).toEqual([
      "ada",
    ]);
  });

  it("hands the room no credentials", ({ expect }) => {
    const forwarded = withoutCredentials(
      new Headers({
        Authorization: "Bearer x",
        Cookie: "a=b",
        Upgrade: "websocket",
      }),
    );
    expect([...forwarded.keys()]).toEqual(["upgrade"]);
  });

  it("sets the cookie without the __Host- prefix over plain HTTP (local dev), scoped to the rooms", async ({
    expect,
  }) => {
    const minted = await app.fetch(
      new Request("http://localhost:8787/api/sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json", ...ADMIN },
        body: JSON.stringify({ user: "ada" }),
      }),
      { ...env, ...VERIFIED },
      createExecutionContext(),
    );
    expect(minted.status).toBe(201);
    const cookie = minted.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(new RegExp(`^${sessionCookieName("ada")}=`));
    expect(cookie).toMatch(/Path=\/api\/rooms/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it("keeps names distinct: one cookie per name, one per look-alike set", ({
    expect,
  }) => {
    expect(sessionCookieName("ADA")).toBe(sessionCookieName("\u0430da"));
    expect(sessionCookieName("ada")).not.toBe(sessionCookieName("bob"));
    expect(sessionCookieName("Zoë 🙂")).toMatch(/^session_[A-Za-z0-9_-]+$/);
  });
});

describe("the mint route", () => {
  it("refuses a bearer token that is not the admin token, setting no cookie", async ({
    expect,
  }) => {
    const res = await mintAs({ user: "ada" }, { Authorization: "Bearer nope" });
    expect(res.status).toBe(401);
    expect(res.headers.get("Set-Cookie")).toBeNull();
  });

  it("validates the user like the chat does", async ({ expect }) => {
    for (const body of [
      {},
      { user: "" },
      { user: "x".repeat(33) },
      { user: "a\u0007b" },
      { user: "ada", extra: 1 },
    ]) {
      const res = await mintAs(body);
      expect(res.status).toBe(400);
    }
  });

  it("answers 503 without a usable secret, and logs why", async ({
    expect,
  }) => {
    const errors = vi.spyOn(console, "error");
    for (const SESSION_SECRET of ["", "too-short"]) {
      const res = await mintAs({ user: "ada" }, ADMIN, { SESSION_SECRET });
      await expectError(expect, res, 503, "unavailable");
    }
    expect(errors.mock.calls.join("\n")).toMatch(/identity_misconfigured/);
  });

  it("takes no hold when no credential could be minted, in open mode too", async ({
    expect,
  }) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const user = `nobody ${crypto.randomUUID().replaceAll(/[^a-f]/g, "")}`;
    const res = await mintAs(
      { user },
      {},
      {
        IDENTITY_MODE: "open",
        SESSION_SECRET: "",
      },
    );
    expect(res.status).toBe(503);
    const stub = env.NAME_HOLD.getByName(userKey(user));
    expect(await storedIn(stub)).toEqual(NOTHING_STORED);
  });
});

describe("a misconfigured identity fails closed", () => {
  const configs = [
    { IDENTITY_MODE: "verified", SESSION_SECRET: "" },
    { IDENTITY_MODE: "verified", SESSION_SECRET: "short" },
    { IDENTITY_MODE: "verfied", SESSION_SECRET: VERIFIED.SESSION_SECRET },
    { IDENTITY_MODE: "", SESSION_SECRET: VERIFIED.SESSION_SECRET },
  ];

  it.for(configs)(
    "refuses user actions with 503 under %j, before the room wakes",
    async (config, { expect }) => {
      vi.spyOn(console, "error").mockImplementation(() => {});
      const room = roomName();
      const { token } = await mint(expect, "ada");
      for (const res of [
        await postMessage(
          room,
          { user: "ada", text: "hi" },
          bearer(token),
          config,
        ),
        await upgradeAs(room, "ada", bearer(token), config),
      ]) {
        await expectError(expect, res, 503, "unavailable");
      }
      expect(await roomExists(room)).toBe(false);
    },
  );

  it("reports the mode to the page: anything but open counts as verified", async ({
    expect,
  }) => {
    for (const [IDENTITY_MODE, mode] of [
      ["open", "open"],
      ["verified", "verified"],
      ["opne", "verified"],
    ]) {
      const res = await callAs("/api/identity", {}, { IDENTITY_MODE });
      expect(await res.json()).toEqual({ mode });
    }
  });
});
