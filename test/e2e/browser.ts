import assert from "node:assert/strict";
// Helpers for browser tests: the system Chromium driven by playwright-core, and small waits with
// bounded timeouts (no fixed sleeps).
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  chromium,
  type Browser,
  type Locator,
  type Page,
} from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const RESULTS_DIR = fileURLToPath(
  new URL("../../test-results/", import.meta.url),
);
const WAIT_MS = 20_000;

/** Headless, quiet, and on a fresh profile: launch() gives each browser its own --user-data-dir. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A page in its own context (its own storage: another person), failing on uncaught errors. */
export async function openPage(
  browser: Browser,
  url: string,
  viewport = { width: 1200, height: 900 },
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(url);
  return page;
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught exceptions in the page's scripts: a test ends by asserting there were none. */
export function uncaughtErrors(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

/** Polls until `check` returns a value other than undefined/false, or fails naming `what`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, {
        cause: last,
      });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the page shows a message with `text`. */
export async function untilShown(
  page: Page,
  text: string,
  what: string,
): Promise<void> {
  await until(what, async () =>
    (await shownMessages(page)).some((m) => m.text === text),
  );
}

/** Waits until the error line of the panel with id `panel` says `part`. */
export async function untilPanelError(
  page: Page,
  panel: string,
  part: string,
  what: string,
): Promise<void> {
  await until(
    what,
    async () =>
      (await page.locator(`#${panel} .error`).textContent())?.includes(part) ||
      undefined,
  );
}

/** Asserts the browser's own form validation refuses what `field` holds. */
export async function assertInvalid(field: Locator): Promise<void> {
  assert.equal(
    await field.evaluate((el) => (el as HTMLInputElement).validity.valid),
    false,
  );
  assert.match(
    await field.evaluate((el) => (el as HTMLInputElement).validationMessage),
    /.+/,
  );
}

export async function textOf(page: Page, testId: string): Promise<string> {
  return (await page.getByTestId(testId).textContent())?.trim() ?? "";
}

export async function joinRoom(page: Page, room: string, user: string) {
  await page.getByTestId("chat-room").fill(room);
  await page.getByTestId("chat-user").fill(user);
  await page.getByTestId("chat-join").click();
  await until(`${user} to be in ${room}`, async () =>
    (await textOf(page, "chat-status")).startsWith(`In room ${room}`),
  );
}

export type ShownMessage = { id: number; user: string; text: string };

/** The chat messages as the page shows them, in order. */
export function shownMessages(page: Page): Promise<ShownMessage[]> {
  return page
    .getByTestId("chat-messages")
    .locator("li")
    .evaluateAll((items) =>
      items.map((li) => ({
        id: Number((li as HTMLElement).dataset.id),
        user: li.querySelector("strong")?.textContent ?? "",
        text: li.querySelector(".text")?.textContent ?? "",
      })),
    );
}

export async function onlineNames(page: Page): Promise<string[]> {
  return page.getByTestId("chat-online").locator("li").allTextContents();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
