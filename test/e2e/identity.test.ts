import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import {
  joinRoom,
  onlineNames,
  shownMessages,
  textOf,
  until,
} from "./browser.ts";
import { stackForFile } from "./stack.ts";

// As staging and production run it: chat users need a credential the Worker verifies. Admin
// auth stays off (loopback), so the page mints credentials without asking for a token.
let output = "";
const stack = stackForFile(
  {
    IDENTITY_MODE: "verified",
    SESSION_SECRET: "e2e-session-secret-0123456789abcdef",
  },
  (text) => (output += text),
);

async function pageIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => assert.fail(error.message));
  await page.goto(stack.server.url);
  return page;
}

async function say(page: Page, text: string) {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-send").click();
  await until(`"${text}" shown`, async () =>
    (await shownMessages(page)).some((m) => m.text === text),
  );
}

/** The Worker's own request log lines for refused WebSocket upgrades. */
const refusedSockets = () =>
  output.split('"route":"/api/rooms/:room/websocket","status":401').length - 1;

const sessionCookies = async (context: BrowserContext) =>
  (await context.cookies()).filter((c) => c.name.startsWith("session_"));

test("two names in one browser each sign in by themselves and chat", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const context = await stack.browser.newContext();
  const alice = await pageIn(context);
  const bob = await pageIn(context);
  await joinRoom(alice, room, "alice");
  await joinRoom(bob, room, "bob");
  await until("both online", async () =>
    (await onlineNames(alice)).join() === "alice,bob" ? true : undefined,
  );
  await say(alice, "signed hello");
  await until("bob sees alice's message", async () =>
    (await shownMessages(bob)).some(
      (m) => m.user === "alice" && m.text === "signed hello",
    ),
  );

  const cookies = await sessionCookies(context);
  assert.equal(cookies.length, 2, "one credential per name");
  assert.ok(cookies.every((c) => c.httpOnly && c.sameSite === "Strict"));
  for (const { value } of cookies) {
    assert.ok(
      !output.includes(value.split(".")[2]),
      "no credential in wrangler's or the Worker's output",
    );
  }

  const raw = await fetch(`${stack.server.url}/api/rooms/${room}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: "alice", text: "not really alice" }),
  });
  assert.equal(raw.status, 401, "a raw client without a credential");
  await context.close();
});

test("a lost credential is replaced without the person noticing", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const context = await stack.browser.newContext();
  const page = await pageIn(context);
  await joinRoom(page, room, "carol");
  // Nothing said before: the deleted room numbers its messages from 1 again.
  const first = await until(
    "a credential",
    async () => (await sessionCookies(context))[0],
  );

  // The room closes every socket (as a deploy would); the reconnect carries no credential, is
  // refused, and the page mints a new one.
  await context.clearCookies();
  const refusals = refusedSockets();
  const deleted = await fetch(`${stack.server.url}/api/rooms/${room}`, {
    method: "DELETE",
  });
  assert.equal(deleted.status, 204);
  await until("the refused handshake", () => refusedSockets() > refusals);
  await until("a new credential", async () =>
    (await sessionCookies(context)).length === 1 ? true : undefined,
  );
  await until("live again", async () =>
    (await textOf(page, "chat-status")).startsWith("In room"),
  );
  await say(page, "after");
  const [second] = await sessionCookies(context);
  assert.ok(second && second.value !== first?.value, "a new credential");
  assert.equal(await page.locator("#chat .error").textContent(), "");
  await context.close();
});

test("the credential is renewed before it expires, while the chat stays live", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  let mints = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/sessions"))
      mints++;
  });
  // The page's clock, so 14 minutes pass in an instant; the server keeps real time.
  await page.clock.install();
  await page.goto(stack.server.url);
  await joinRoom(page, room, "dave");
  await say(page, "early");
  assert.equal(mints, 1);

  await page.clock.fastForward("14:00");
  await until("a renewal", () => (mints === 2 ? true : undefined));
  await say(page, "later");
  assert.equal(await page.locator("#chat .error").textContent(), "");
  await context.close();
});
