import { afterEach, beforeAll, it, vi } from "vitest";
import { loadWorker, roomName } from "../helpers/chat-client";
import {
  bearer,
  forge,
  mint,
  postMessage,
  upgradeAs,
} from "../helpers/identity";

beforeAll(loadWorker, 60_000);
afterEach(() => {
  vi.restoreAllMocks();
});

/** Every console call the Worker makes, whatever its level or shape, as text. */
function captureConsole(): () => string {
  const spies = (["log", "info", "warn", "error", "debug"] as const).map(
    (level) => vi.spyOn(console, level),
  );
  return () =>
    spies
      .flatMap((spy) => spy.mock.calls)
      .map((args) =>
        args
          .map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg)))
          .join(" "),
      )
      .join("\n");
}

/** The part of a JWT that is secret to its holder: anything containing it is a leak. */
const signatureOf = (token: string) => token.split(".")[2]!;

it("never writes a credential to a log line, accepted or refused", async ({
  expect,
}) => {
  const logged = captureConsole();
  const room = roomName();
  const good = await mint(expect, "ada");
  const forged = await forge(
    "ada",
    {},
    { secret: "some-other-secret-of-32-characters" },
  );
  const expired = await forge("ada", { iat: 1, exp: 2 });
  const cookie = good.cookie.split(";")[0]!;

  expect(
    (await postMessage(room, { user: "ada", text: "hi" }, bearer(good.token)))
      .status,
  ).toBe(201);
  expect(
    (await postMessage(room, { user: "bob", text: "hi" }, bearer(good.token)))
      .status,
  ).toBe(401);
  expect(
    (await postMessage(room, { user: "ada", text: "hi" }, bearer(forged)))
      .status,
  ).toBe(401);
  expect(
    (await postMessage(room, { user: "ada", text: "hi" }, bearer(expired)))
      .status,
  ).toBe(401);
  const socket = await upgradeAs(room, "ada", { Cookie: cookie });
  expect(socket.status).toBe(101);
  socket.webSocket!.accept();
  socket.webSocket!.close(1000);
  expect((await upgradeAs(room, "ada", bearer(forged))).status).toBe(401);
  expect(
    (
      await upgradeAs(room, "ada", {
        ...bearer("x".repeat(40)),
        Cookie: cookie,
      })
    ).status,
  ).toBe(401);
  // A token that is not even JWT-shaped, in the one place Hono would quote it in an error.
  expect(
    (await upgradeAs(room, "ada", bearer(`${good.token}.extra`))).status,
  ).toBe(401);

  const text = logged();
  expect(text).toMatch(/"event":"request"/);
  for (const token of [good.token, forged, expired]) {
    expect(text).not.toContain(signatureOf(token));
  }
});
