import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { Page } from "playwright-core";
import {
  joinRoom,
  onlineNames,
  openPage,
  screenshot,
  shownMessages,
  uncaughtErrors,
  until,
  untilPanelError,
} from "./browser.ts";
import { stackForFile } from "./stack.ts";

const stack = stackForFile();

async function say(page: Page, text: string) {
  await page.getByTestId("chat-input").fill(text);
  await page.getByTestId("chat-send").click();
}

const seesOnline = (page: Page, names: string[]) =>
  until(`online to be ${names.join(", ")}`, async () =>
    JSON.stringify(await onlineNames(page)) === JSON.stringify(names)
      ? true
      : undefined,
  );

const seesOnce = (page: Page, user: string, text: string) =>
  until(`"${text}" from ${user}`, async () => {
    const matches = (await shownMessages(page)).filter(
      (message) => message.text === text,
    );
    if (matches.length === 0) return undefined;
    assert.equal(matches.length, 1, `"${text}" is shown once`);
    assert.equal(matches[0].user, user);
    return true;
  });

test("two people in one room see each other's messages and presence", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const alice = await openPage(stack.browser, stack.server.url);
  const bob = await openPage(stack.browser, stack.server.url);

  await joinRoom(alice, room, "alice");
  await seesOnline(alice, ["alice"]);
  await joinRoom(bob, room, "bob");
  await seesOnline(alice, ["alice", "bob"]);
  await seesOnline(bob, ["alice", "bob"]);

  await say(alice, "hello bob");
  await seesOnce(bob, "alice", "hello bob");
  await seesOnce(alice, "alice", "hello bob");
  await say(bob, "hi alice <b>not bold</b>");
  await seesOnce(alice, "bob", "hi alice <b>not bold</b>");
  assert.equal(await alice.locator("b").count(), 0, "text is never HTML");
  assert.equal(await alice.getByTestId("chat-input").inputValue(), "");

  const path = await screenshot(alice, "page");
  console.log(`screenshot: ${path}`);

  await bob.context().close();
  await seesOnline(alice, ["alice"]);
  assert.deepEqual(uncaughtErrors(alice), []);
});

test("a second tab of the same person keeps the name online until both leave", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const watcher = await openPage(stack.browser, stack.server.url);
  const tabs = [
    await openPage(stack.browser, stack.server.url),
    await openPage(stack.browser, stack.server.url),
  ];
  await joinRoom(watcher, room, "watcher");
  for (const tab of tabs) await joinRoom(tab, room, "dana");
  await seesOnline(watcher, ["dana", "watcher"]);
  await tabs[0].context().close();
  await say(tabs[1], "still here");
  await seesOnce(watcher, "dana", "still here");
  assert.deepEqual(await onlineNames(watcher), ["dana", "watcher"]);
  await tabs[1].context().close();
  await seesOnline(watcher, ["watcher"]);
});

test("sending faster than the room allows shows the room's refusal", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const page = await openPage(stack.browser, stack.server.url);
  await joinRoom(page, room, "mallory");
  for (let i = 0; i < 21; i++) await say(page, `spam ${i}`);
  await untilPanelError(
    page,
    "chat",
    "too many messages",
    "the rate-limit error",
  );
  await until(
    "the 20 allowed messages",
    async () => (await shownMessages(page)).length === 20 || undefined,
  );
  assert.equal(
    (await shownMessages(page)).some((m) => m.text === "spam 20"),
    false,
  );
});
