import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertInvalid,
  joinRoom,
  openPage,
  screenshot,
  textOf,
  uncaughtErrors,
  until,
  untilShown,
} from "./browser.ts";
import { stackForFile } from "./stack.ts";

const HOOKS = [
  "counter-value",
  "counter-increment",
  "counter-decrement",
  "chat-room",
  "chat-user",
  "chat-join",
  "chat-input",
  "chat-send",
  "chat-messages",
  "chat-online",
  "schedule-text",
  "schedule-delay",
  "schedule-submit",
  "schedule-list",
];

// What a security-headers middleware may send later: no inline script or style anywhere.
const STRICT_CSP =
  "default-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const stack = stackForFile();

test("GET / serves the page with every data-testid hook of the spec", async () => {
  const res = await fetch(stack.server.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  for (const hook of HOOKS)
    assert.ok(html.includes(`data-testid="${hook}"`), hook);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, "no inline script");
  assert.doesNotMatch(html, /\sstyle=|<style/, "no inline style");
});

test("every input has an accessible name", async () => {
  const page = await openPage(stack.browser, stack.server.url);
  for (const hook of HOOKS) {
    const element = page.getByTestId(hook);
    const tag = await element.evaluate((el) => el.tagName);
    if (!["INPUT", "BUTTON", "OUTPUT"].includes(tag)) continue;
    const name = await element.evaluate(
      (el) =>
        (el as HTMLInputElement).labels?.[0]?.textContent?.trim() ||
        el.getAttribute("aria-label") ||
        el.textContent?.trim(),
    );
    assert.ok(name, `${hook} has a label`);
  }
});

test("the page works under a strict Content-Security-Policy", async () => {
  const page = await openPage(stack.browser, "about:blank");
  // A document fulfilled by the test has no network address, so Chromium treats it as public
  // and blocks its calls to 127.0.0.1 unless local network access is granted.
  await page.context().grantPermissions(["local-network-access"]);
  await page.route(`${stack.server.url}/`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({
      response,
      headers: { ...response.headers(), "content-security-policy": STRICT_CSP },
    });
  });
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy"))
      violations.push(message.text());
  });
  await page.goto(stack.server.url);
  await until(
    "the counter to load",
    async () => /^\d+$/.test(await textOf(page, "counter-value")) || undefined,
  );
  await joinRoom(page, "csp", "csp-checker");
  await page.getByTestId("chat-input").fill("under CSP");
  await page.getByTestId("chat-send").click();
  await untilShown(page, "under CSP", "the message over the WebSocket");
  assert.deepEqual(violations, []);
  assert.deepEqual(uncaughtErrors(page), []);

  const inlineRan = await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "document.body.dataset.inline = 'ran'";
    document.body.append(script);
    return document.body.dataset.inline === "ran";
  });
  assert.equal(
    inlineRan,
    false,
    "the policy is in force: inline script is blocked",
  );
});

test("the page fits a phone screen without sideways scrolling", async () => {
  const page = await openPage(stack.browser, stack.server.url, {
    width: 360,
    height: 740,
  });
  await joinRoom(page, "phone", "a-rather-long-name-for-a-phone");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  console.log(`screenshot: ${await screenshot(page, "page-phone")}`);
});

test("a bad room name is refused before anything connects", async () => {
  const page = await openPage(stack.browser, stack.server.url);
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  const room = page.getByTestId("chat-room");
  await room.fill("no spaces allowed");
  await page.getByTestId("chat-join").click();
  await assertInvalid(room);
  assert.equal(await page.getByTestId("chat-input").isDisabled(), true);
  assert.deepEqual(sockets, []);
});
