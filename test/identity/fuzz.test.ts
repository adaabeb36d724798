import fc from "fast-check";
import { beforeAll, it } from "vitest";
import { sessionCookieName } from "../../src/identity/identity";
import { loadWorker, roomExists, roomName } from "../helpers/chat-client";
import { forge, mint, postMessage, upgradeAs } from "../helpers/identity";

beforeAll(loadWorker, 60_000);

const base64url = fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/);
/** Header values a client can send: printable ASCII and tabs. */
const headerText = fc.stringMatching(/^[\t\x20-\x7e]{0,200}$/);

/** What a token's parts decode to, or null when one is not base64url. */
function bytesOf(token: string): string | null {
  try {
    return token
      .split(".")
      .map((part) => atob(part.replaceAll("-", "+").replaceAll("_", "/")))
      .join(".");
  } catch {
    return null;
  }
}

/** Real tokens bent out of shape: one character changed, parts swapped, dropped or added. */
function mutated(token: string) {
  const parts = token.split(".");
  return fc.oneof(
    fc
      .tuple(fc.nat(token.length - 1), fc.constantFrom(..."AZaz09-_.=+/ "))
      .map(([at, char]) => token.slice(0, at) + char + token.slice(at + 1)),
    fc.shuffledSubarray(parts, { minLength: 1 }).map((p) => p.join(".")),
    fc.array(base64url, { minLength: 1, maxLength: 5 }).map((p) => p.join(".")),
    base64url.map((extra) => `${token}${extra}`),
  );
}

it("answers every bent or random credential with 401 unless it is the real token, never a 500", async ({
  expect,
}) => {
  const room = roomName();
  const { token } = await mint(expect, "ada");
  const claims = await forge("ada", {
    sub: { nested: true },
    aud: [1, null],
    iat: "soon",
    exp: 1e300,
  });
  const credential = fc.oneof(mutated(token), mutated(claims), headerText);
  let accepted = 0;
  const transport = fc.constantFrom("post", "bearer-socket", "cookie-socket");

  await fc.assert(
    fc.asyncProperty(credential, transport, async (value, how) => {
      const res =
        how === "post"
          ? await postMessage(
              room,
              { user: "ada", text: "hi" },
              { Authorization: `Bearer ${value}` },
            )
          : how === "bearer-socket"
            ? await upgradeAs(room, "ada", { Authorization: `Bearer ${value}` })
            : await upgradeAs(room, "ada", {
                Cookie: `${sessionCookieName("ada")}=${value}`,
              });
      if (res.status === 101 || res.status === 201) {
        // Only the real token passes, or a spelling of it with the same bytes (the last base64
        // character of a part carries spare bits).
        expect(bytesOf(value)).toBe(bytesOf(token));
        accepted++;
        res.webSocket?.accept();
        res.webSocket?.close(1000);
        return;
      }
      expect(res.status).toBe(401);
    }),
    { numRuns: 300 },
  );
  expect(await roomExists(room)).toBe(accepted > 0);
});
