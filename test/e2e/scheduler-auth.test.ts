import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { Page } from "playwright-core";
import {
  joinRoom,
  openPage,
  uncaughtErrors,
  until,
  untilPanelError,
  untilShown,
} from "./browser.ts";
import { stackForFile } from "./stack.ts";

// 32 characters at least: a shorter API_TOKEN counts as missing.
const TOKEN = "e2e-admin-token-0123456789abcdef-xyz";

// As deployed: admin routes need the token.
const stack = stackForFile({ ADMIN_AUTH: "required", API_TOKEN: TOKEN });

const tokenForm = (page: Page) => page.locator("#admin-token-form");

async function giveToken(page: Page, token: string) {
  await tokenForm(page).waitFor({ state: "visible" });
  await page.getByTestId("admin-token").fill(token);
  await page.getByTestId("admin-token-submit").click();
}

test("the scheduler panel asks for the token when it is used, not when a chatter joins, and keeps it for the tab", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const page = await openPage(stack.browser, stack.server.url);
  await joinRoom(page, room, "ivan");
  await page.locator("[data-empty]").waitFor({ state: "visible" });
  assert.equal(
    await tokenForm(page).isVisible(),
    false,
    "joining asks nothing",
  );

  await page.getByTestId("schedule-text").fill("with a token");
  await page.getByTestId("schedule-delay").fill("1");
  await page.getByTestId("schedule-submit").click();
  await giveToken(page, "wrong-token");
  await until(
    "the refusal",
    async () =>
      (await tokenForm(page).textContent())?.includes("refused") || undefined,
  );
  await giveToken(page, TOKEN);
  await tokenForm(page).waitFor({ state: "hidden" });
  await untilShown(page, "with a token", "the scheduled message");

  await page.reload();
  await joinRoom(page, room, "ivan");
  await page.locator("[data-empty]").waitFor({ state: "visible" });
  assert.equal(await tokenForm(page).isVisible(), false);
  assert.equal(
    await page.evaluate(() => sessionStorage.getItem("adminToken")),
    TOKEN,
  );
  assert.deepEqual(uncaughtErrors(page), []);
});

test("cancelling the token question shows why the scheduler is unavailable", async () => {
  const room = `room-${randomUUID().slice(0, 8)}`;
  const page = await openPage(stack.browser, stack.server.url);
  await joinRoom(page, room, "judy");
  await page.getByTestId("schedule-text").fill("no token");
  await page.getByTestId("schedule-delay").fill("1");
  await page.getByTestId("schedule-submit").click();
  await tokenForm(page).waitFor({ state: "visible" });
  await tokenForm(page).getByRole("button", { name: "Cancel" }).click();
  await untilPanelError(page, "scheduler", "admin route", "the error");
});
