import assert from "node:assert/strict";
import { test } from "node:test";
import { openPage, textOf, uncaughtErrors, until } from "./browser.ts";
import { stackForFile } from "./stack.ts";

const stack = stackForFile();

const showsValue = (page: Parameters<typeof textOf>[0], value: string) =>
  until(`the counter to show ${value}`, async () =>
    (await textOf(page, "counter-value")) === value ? true : undefined,
  );

test("the counter buttons change the value, and a reload shows the stored value", async () => {
  const page = await openPage(stack.browser, stack.server.url);
  await showsValue(page, "0");
  for (let i = 0; i < 3; i++)
    await page.getByTestId("counter-increment").click();
  await showsValue(page, "3");
  await page.getByTestId("counter-decrement").click();
  await showsValue(page, "2");

  const stored = await fetch(`${stack.server.url}/api/counters/page`);
  assert.deepEqual(await stored.json(), { name: "page", value: 2 });

  await page.reload();
  await showsValue(page, "2");
  assert.deepEqual(uncaughtErrors(page), []);
});
