import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import {
  parseUser,
  USER_MAX_CHARS,
  userKey,
} from "../../src/identity/user-name";
import { loadWorker, roomName } from "../helpers/chat-client";
import { expectError } from "../helpers/http";
import { callAs, postMessage } from "../helpers/identity";

beforeAll(loadWorker, 60_000);

const OPEN = { IDENTITY_MODE: "open" };

const claim = (user: unknown) =>
  callAs("/api/sessions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user }),
  });

const display = (raw: string) => {
  const parsed = parseUser(raw);
  return "problem" in parsed ? parsed : parsed.display;
};

// One test per row of SPEC.md's name table (Identity, Names).
describe("one canonical name", () => {
  it("takes `ada` as the name ada", ({ expect }) => {
    expect(parseUser("ada")).toEqual({ display: "ada", key: "ada" });
  });

  it("makes Ada, ADA and fullwidth ａｄａ the same name as ada", ({
    expect,
  }) => {
    for (const same of ["Ada", "ADA", "ａｄａ"]) {
      expect(userKey(display(same) as string), same).toBe(userKey("ada"));
    }
    expect(display("ａｄａ")).toBe("ada");
  });

  it("makes аda with a Cyrillic а the same name as ada", ({ expect }) => {
    expect(display("\u0430da")).toBe("\u0430da");
    expect(userKey("\u0430da")).toBe(userKey("ada"));
    // Capital look-alikes too, in Greek and Cyrillic: ΑDΑ, АDА.
    expect(userKey("\u0391D\u0391")).toBe(userKey("ada"));
    expect(userKey("\u0410D\u0410")).toBe(userKey("ada"));
  });

  it("refuses ada + U+200B, ada + U+00AD and U+202E + ada, naming the rule", async ({
    expect,
  }) => {
    for (const bad of ["ada\u200B", "ada\u00AD", "\u202Eada"]) {
      expect(display(bad)).toHaveProperty(
        "problem",
        expect.stringMatching(/format characters/) as unknown,
      );
      const res = await claim(bad);
      expect(res.status).toBe(400);
      const body = await res.json<{ error: { message: string } }>();
      expect(body.error.message).toMatch(/format characters/);
    }
  });

  it("shows `  ada   lovelace ` as `ada lovelace`", ({ expect }) => {
    expect(display("  ada   lovelace ")).toBe("ada lovelace");
  });

  it("refuses 33 characters after normalization, and U+E000", async ({
    expect,
  }) => {
    expect(display("x".repeat(USER_MAX_CHARS))).toBe("x".repeat(32));
    // 17 fullwidth characters are one each; the ligature ﬃ becomes three.
    expect(parseUser("ﬃ".repeat(11))).toHaveProperty("problem");
    expect(parseUser("x".repeat(33))).toHaveProperty("problem");
    expect(display("ada\uE000")).toHaveProperty(
      "problem",
      expect.stringMatching(/private-use/) as unknown,
    );
    for (const bad of ["x".repeat(33), "ada\uE000", "ada\uD800", "ada\u0378"]) {
      expect((await claim(bad)).status, JSON.stringify(bad)).toBe(400);
    }
  });

  it("stores and broadcasts the display form, in open mode too", async ({
    expect,
  }) => {
    const res = await postMessage(
      roomName(),
      { user: "  ａｄａ   lovelace ", text: "hi" },
      {},
      OPEN,
    );
    expect(res.status).toBe(201);
    expect((await res.json<{ user: string }>()).user).toBe("ada lovelace");
    const bad = await postMessage(
      roomName(),
      { user: "ada\u200B", text: "hi" },
      {},
      OPEN,
    );
    await expectError(expect, bad, 400, "invalid_request");
  });
});

describe("names under fuzzing", () => {
  it("never answers a claim or a post with a 500, whatever the name", async ({
    expect,
  }) => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 40 }),
          fc.string({ unit: "grapheme-composite", maxLength: 40 }),
          fc.string({ unit: "binary-ascii", maxLength: 40 }),
        ),
        async (user) => {
          const claimed = await claim(user);
          expect([201, 400, 409]).toContain(claimed.status);
          const posted = await postMessage(
            roomName(),
            { user, text: "x" },
            {},
            OPEN,
          );
          expect([201, 400]).toContain(posted.status);
          const parsed = parseUser(user);
          if (!("problem" in parsed)) {
            expect(parseUser(parsed.display)).toEqual(parsed);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
