import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import {
  joinRoom,
  openPage,
  shownMessages,
  textOf,
  uncaughtErrors,
  until,
  untilPanelError,
  untilShown,
} from "./browser.ts";
import { stackForFile } from "./stack.ts";

// More than one welcome carries (200), so the page must also page through the HTTP history.
const MISSED = 230;

const stack = stackForFile();

type Message = { id: number; user: string; text: string };

async function post(room: string, text: string): Promise<Message> {
  const res = await fetch(`${stack.server.url}/api/rooms/${room}/messages`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user: "api", text }),
  });
  assert.equal(res.status, 201);
  return (await res.json()) as Message;
}

async function storedHistory(room: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const after = all.at(-1)?.id ?? 0;
    const res = await fetch(
      `${stack.server.url}/api/rooms/${room}/messages?after=${after}&limit=200`,
    );
    const { messages } = (await res.json()) as { messages: Message[] };
    all.push(...messages);
    if (messages.length < 200) return all;
  }
}

test("after a server restart the page reconnects and shows what it missed, once each", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const page = await openPage(stack.browser, stack.server.url);
  await joinRoom(page, room, "erin");
  const before = await post(room, "before the restart");
  await until(
    "the first message",
    async () => (await shownMessages(page)).length === 1 || undefined,
  );

  const socketUrls: string[] = [];
  page.on("websocket", (ws) => socketUrls.push(ws.url()));
  await stack.server.stop();
  await until(
    "the page to notice",
    async () =>
      (await textOf(page, "chat-status")).includes("reconnecting") || undefined,
  );
  await page.getByTestId("counter-increment").click();
  await untilPanelError(page, "counter", "Not saved", "the counter's error");

  // Held offline while the server restarts and the messages are posted, so they can reach the
  // page only through the catch-up (the welcome after `after=`, then HTTP pages), not live.
  await page.context().setOffline(true);
  await stack.startServerAgain();
  for (let i = 0; i < MISSED; i++) await post(room, `missed ${i}`);
  await page.context().setOffline(false);
  const onlineAt = Date.now();

  await until(
    "every missed message",
    async () => (await shownMessages(page)).length >= MISSED + 1 || undefined,
    60_000,
  );
  console.log(
    `caught up ${MISSED} messages ${Date.now() - onlineAt} ms after going online`,
  );
  await until(
    "the page to be live again",
    async () =>
      (await textOf(page, "chat-status")).startsWith("In room") || undefined,
  );
  await page.getByTestId("chat-input").fill("back online");
  await page.getByTestId("chat-send").click();
  await untilShown(
    page,
    "back online",
    "the page's own message after the reconnect",
  );

  await page.getByTestId("counter-increment").click();
  await until(
    "the counter to recover",
    async () => (await textOf(page, "counter-value")) === "1" || undefined,
  );
  assert.equal(await page.locator("#counter .error").textContent(), "");

  const shown = await shownMessages(page);
  const stored = await storedHistory(room);
  assert.equal(stored.length, MISSED + 2);
  assert.deepEqual(
    shown.map((m) => m.id),
    stored.map((m) => m.id),
    "the page shows the stored history in order: no gaps, no duplicates",
  );
  assert.deepEqual(
    shown.map((m) => m.text),
    stored.map((m) => m.text),
  );
  assert.ok(socketUrls.length > 0);
  for (const url of socketUrls)
    assert.equal(new URL(url).searchParams.get("after"), String(before.id));
  assert.deepEqual(uncaughtErrors(page), []);
});
