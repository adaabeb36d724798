import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { Page } from "playwright-core";
import {
  assertInvalid,
  joinRoom,
  openPage,
  shownMessages,
  uncaughtErrors,
  until,
} from "./browser.ts";
import { stackForFile } from "./stack.ts";

const stack = stackForFile();

const pending = (page: Page) =>
  page.getByTestId("schedule-list").locator("li").allTextContents();

async function schedule(page: Page, text: string, delaySeconds: number) {
  await page.getByTestId("schedule-text").fill(text);
  await page.getByTestId("schedule-delay").fill(String(delaySeconds));
  await page.getByTestId("schedule-submit").click();
}

test("a message scheduled from the page for 2 seconds later appears in the chat", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const page = await openPage(stack.browser, stack.server.url);
  await joinRoom(page, room, "frank");

  const scheduledAt = Date.now();
  await schedule(page, "from two seconds ago", 2);
  await until("the event in the pending list", async () => {
    const items = await pending(page);
    return items.length === 1 && items[0].includes("from two seconds ago");
  });
  const message = await until("the scheduled message in the chat", async () =>
    (await shownMessages(page)).find((m) => m.text === "from two seconds ago"),
  );
  const elapsedMs = Date.now() - scheduledAt;
  console.log(
    `the scheduled message was shown ${elapsedMs} ms after the click`,
  );
  assert.equal(message.user, "scheduler");
  assert.ok(
    elapsedMs >= 1_950,
    `shown after ${elapsedMs} ms, not before its time`,
  );
  await until("the pending list to empty", async () =>
    (await pending(page)).length === 0 ? true : undefined,
  );
  const copies = (await shownMessages(page)).filter(
    (m) => m.text === "from two seconds ago",
  );
  assert.equal(copies.length, 1);
  assert.deepEqual(uncaughtErrors(page), []);
});

test("a pending message can be cancelled from the list", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const page = await openPage(stack.browser, stack.server.url);
  await joinRoom(page, room, "grace");
  await schedule(page, "never mind", 600);
  await until(
    "the event in the pending list",
    async () => (await pending(page)).length === 1 || undefined,
  );
  await page.getByRole("button", { name: "Cancel “never mind”" }).click();
  await until(
    "the pending list to empty",
    async () => (await pending(page)).length === 0 || undefined,
  );
  const res = await fetch(
    `${stack.server.url}/api/schedulers/${room}/events?status=pending`,
  );
  assert.deepEqual(((await res.json()) as { events: unknown[] }).events, []);
});

test("a bad delay is explained and nothing is scheduled", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const page = await openPage(stack.browser, stack.server.url);
  await joinRoom(page, room, "heidi");
  const delay = page.getByTestId("schedule-delay");
  await page.getByTestId("schedule-text").fill("too soon");
  await delay.fill("0");
  await page.getByTestId("schedule-submit").click();
  await assertInvalid(delay);
  const res = await fetch(
    `${stack.server.url}/api/schedulers/${room}/events?status=pending`,
  );
  assert.deepEqual(((await res.json()) as { events: unknown[] }).events, []);
});
