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

// As `wrangler deploy` ships it: the top level's configuration (verified identity, admin auth
// required) with both secrets set. Nobody types an admin token into the chat.
const API_TOKEN = "e2e-admin-token-0123456789abcdef-xyz";
let output = "";
const stack = stackForFile(
  {
    ADMIN_AUTH: "required",
    IDENTITY_MODE: "verified",
    SESSION_SECRET: "e2e-session-secret-0123456789abcdef",
    API_TOKEN,
  },
  (text) => (output += text),
);

/** A page that fails its test if it ever asks for the admin token or throws. */
async function pageIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => assert.fail(error.message));
  await page.goto(stack.server.url);
  return page;
}

async function assertNeverAskedForToken(page: Page) {
  assert.equal(
    await page.locator("#admin-token-form").isHidden(),
    true,
    "the chat never asks for the admin token",
  );
}

async function say(page: Page, text: string) {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-send").click();
  await until(`"${text}" shown`, async () =>
    (await shownMessages(page)).some((m) => m.text === text),
  );
}

/** Joins as `user` and waits until the page says the name is taken. */
async function refusedAsTaken(page: Page, room: string, user: string) {
  await page.getByTestId("chat-room").fill(room);
  await page.getByTestId("chat-user").fill(user);
  await page.getByTestId("chat-join").click();
  await until(`${user} refused as taken`, async () =>
    (await textOf(page, "chat-status")).includes("is taken"),
  );
  const error = await page.locator("#chat .error").textContent();
  assert.match(error ?? "", /taken: someone else is using it/);
}

const sessionCookies = async (context: BrowserContext) =>
  (await context.cookies()).filter((c) => c.name.startsWith("session_"));

const holdSecrets = (page: Page) =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((key) => key.startsWith("hold:"))
      .map((key) => localStorage.getItem(key)),
  );

test("two browsers claim two names and chat; a third cannot be either, nor a look-alike", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const [first, second, third] = await Promise.all(
    [0, 1, 2].map(() => stack.browser.newContext()),
  );
  const alice = await pageIn(first);
  const bob = await pageIn(second);
  await joinRoom(alice, room, "alice");
  await joinRoom(bob, room, "bob");
  await until("both online", async () =>
    (await onlineNames(alice)).join() === "alice,bob" ? true : undefined,
  );
  await say(alice, "hello from alice");
  await until("bob sees alice's message", async () =>
    (await shownMessages(bob)).some(
      (m) => m.user === "alice" && m.text === "hello from alice",
    ),
  );
  const cookies = await sessionCookies(first);
  assert.equal(cookies.length, 1);
  assert.ok(cookies.every((c) => c.httpOnly && c.sameSite === "Strict"));
  const [secret] = await holdSecrets(alice);
  assert.ok(secret && secret.length >= 22, "the hold secret is kept");
  for (const text of [output]) {
    assert.ok(!text.includes(secret), "no hold secret in any log");
    assert.ok(
      !text.includes(cookies[0].value.split(".")[2]),
      "no credential in any log",
    );
  }

  const mallory = await pageIn(third);
  for (const name of ["alice", "ALICE", "\u0430lice", "b\u043Eb"]) {
    await refusedAsTaken(mallory, room, name);
  }
  assert.deepEqual(await sessionCookies(third), []);
  const raw = await fetch(`${stack.server.url}/api/rooms/${room}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: "alice", text: "not really alice" }),
  });
  assert.equal(raw.status, 401, "a raw client without a credential");
  for (const page of [alice, bob, mallory])
    await assertNeverAskedForToken(page);
  await Promise.all([first, second, third].map((c) => c.close()));
});

test("a released name is free again at once", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const [first, second] = await Promise.all(
    [0, 1].map(() => stack.browser.newContext()),
  );
  const carol = await pageIn(first);
  const other = await pageIn(second);
  await joinRoom(carol, room, "carol");
  await refusedAsTaken(other, room, "carol");
  await carol.getByTestId("chat-release").click();
  await until("released", async () =>
    (await textOf(carol, "chat-status")).includes("is free again"),
  );
  assert.deepEqual(await holdSecrets(carol), []);
  await joinRoom(other, room, "carol");
  await say(other, "carol is mine now");
  await Promise.all([first, second].map((c) => c.close()));
});

test("hold and credential are renewed before they expire, while the chat stays live", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const context = await stack.browser.newContext();
  const page = await context.newPage();
  const claims: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/sessions"))
      claims.push(request.postData() ?? "");
  });
  // The page's clock, so 14 minutes pass in an instant; the server keeps real time.
  await page.clock.install();
  await page.goto(stack.server.url);
  await joinRoom(page, room, "dave");
  await say(page, "early");
  assert.equal(claims.length, 1);
  const [secret] = await holdSecrets(page);

  await page.clock.fastForward("14:00");
  await until("a renewal", () => (claims.length === 2 ? true : undefined));
  assert.deepEqual(JSON.parse(claims[1]), { user: "dave", hold: secret });
  await say(page, "later");
  assert.equal(await page.locator("#chat .error").textContent(), "");
  assert.deepEqual(await holdSecrets(page), [secret]);
  await context.close();
});

test("a lost credential is replaced without the person noticing", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const context = await stack.browser.newContext();
  const page = await pageIn(context);
  await joinRoom(page, room, "erin");
  const first = await until(
    "a credential",
    async () => (await sessionCookies(context))[0],
  );
  // The room closes every socket (as a deploy would); the reconnect carries no credential, is
  // refused, and the page claims its own name again with the hold secret it kept.
  await context.clearCookies();
  const deleted = await fetch(`${stack.server.url}/api/rooms/${room}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${API_TOKEN}` },
  });
  assert.equal(deleted.status, 204);
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
  await assertNeverAskedForToken(page);
  await context.close();
});
