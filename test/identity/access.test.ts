import { sign } from "hono/jwt";
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { afterEach, beforeAll, describe, it, vi } from "vitest";
import { loadWorker, roomName } from "../helpers/chat-client";
import { callAs, postMessage, upgradeAs } from "../helpers/identity";
import {
  verifyAccessToken,
  type AccessApp,
} from "../../src/identity/access-token";

// A local stand-in for a team's certs: RSA keys made here, in the JWK form Access publishes.
const TEAM = "example-team.cloudflareaccess.com";
const AUD = "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2";

async function signingKey(kid: string) {
  const pair = (await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const jwk = async (key: CryptoKey) =>
    ({
      ...(await crypto.subtle.exportKey("jwk", key)),
      kid,
      alg: "RS256",
    }) as HonoJsonWebKey;
  return {
    private: await jwk(pair.privateKey),
    public: await jwk(pair.publicKey),
  };
}

let current: Awaited<ReturnType<typeof signingKey>>;
let stranger: Awaited<ReturnType<typeof signingKey>>;
let app: AccessApp;
beforeAll(async () => {
  [current, stranger] = await Promise.all([signingKey("k1"), signingKey("k2")]);
  app = { teamDomain: TEAM, audience: AUD, keys: [current.public] };
});

const now = () => Math.floor(Date.now() / 1000);

/** An application token as Access issues it, any claim overridden. */
const accessToken = (
  claims: Record<string, unknown> = {},
  key = current.private,
) =>
  sign(
    {
      aud: [AUD],
      email: "ada@example.com",
      iss: `https://${TEAM}`,
      sub: "7335d417-61da-459d-899c-0a01c76a2f94",
      type: "app",
      iat: now(),
      nbf: now(),
      exp: now() + 3600,
      ...claims,
    },
    key,
  );

describe("the Cloudflare Access verifier, against a local key set", () => {
  it("takes the person's email from a valid application token", async ({
    expect,
  }) => {
    expect(await verifyAccessToken(app, await accessToken())).toEqual({
      user: "ada@example.com",
    });
  });

  it.for([
    ["another application", { aud: ["someone-elses-app"] }],
    ["another team", { iss: "https://evil.cloudflareaccess.com" }],
    ["an expired token", { exp: now() - 1 }],
    ["a service token (no email)", { email: undefined, common_name: "ci" }],
  ] as const)("refuses %s", async ([, claims], { expect }) => {
    const result = await verifyAccessToken(app, await accessToken(claims));
    expect(result).toHaveProperty("problem");
  });

  it("refuses a key the team never published, and a shared-secret token", async ({
    expect,
  }) => {
    const foreign = await accessToken({}, stranger.private);
    const hs256 = await sign(
      { email: "ada@example.com", aud: [AUD], iss: `https://${TEAM}` },
      "secret",
    );
    for (const token of [foreign, hs256, "not.a.token"]) {
      expect(await verifyAccessToken(app, token)).toHaveProperty("problem");
    }
  });
});

describe("IDENTITY_MODE=access, wired to the verifier", () => {
  const ACCESS = {
    IDENTITY_MODE: "access",
    ACCESS_TEAM_DOMAIN: TEAM,
    ACCESS_AUD: AUD,
  } as const;
  const header = async (
    claims: Record<string, unknown> = {},
    key?: HonoJsonWebKey,
  ) => ({
    "Cf-Access-Jwt-Assertion": await accessToken(claims, key),
  });

  beforeAll(loadWorker, 60_000);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** The team's certs URL, answered from the local key set; every other fetch is refused. */
  function serveTeamKeys() {
    const real = globalThis.fetch;
    return vi
      .spyOn(globalThis, "fetch")
      .mockImplementation((input, init) =>
        String(input instanceof Request ? input.url : input) ===
        `https://${TEAM}/cdn-cgi/access/certs`
          ? Promise.resolve(Response.json({ keys: [current.public] }))
          : real(input, init),
      );
  }

  it("posts and joins as the person Access signed in, by their email", async ({
    expect,
  }) => {
    const certs = serveTeamKeys();
    const room = roomName();
    const res = await postMessage(
      room,
      { user: "Ada@Example.com", text: "via Access" },
      await header(),
      ACCESS,
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ user: "ada@example.com" });
    const upgrade = await upgradeAs(
      room,
      "ada@example.com",
      await header(),
      ACCESS,
    );
    expect(upgrade.status).toBe(101);
    upgrade.webSocket!.accept();
    upgrade.webSocket!.close(1000);
    expect(certs).toHaveBeenCalled();
  });

  it("refuses a missing or foreign token, and another person's name, with 401", async ({
    expect,
  }) => {
    serveTeamKeys();
    for (const [user, headers] of [
      ["ada@example.com", {}],
      ["ada@example.com", await header({}, stranger.private)],
      ["ada@example.com", await header({ aud: ["another-app"] })],
      ["grace@example.com", await header()],
    ] as const) {
      const res = await postMessage(
        roomName(),
        { user, text: "x" },
        headers,
        ACCESS,
      );
      expect(res.status, user).toBe(401);
    }
  });

  it("has no claims, says so to the page, and fails closed without its configuration", async ({
    expect,
  }) => {
    serveTeamKeys();
    const claim = await callAs(
      "/api/sessions",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user: "ada@example.com" }),
      },
      ACCESS,
    );
    expect(claim.status).toBe(403);
    const mode = await callAs("/api/identity", {}, ACCESS);
    expect(await mode.json()).toEqual({ mode: "access" });
    vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await postMessage(
      roomName(),
      { user: "ada@example.com", text: "x" },
      await header(),
      { ...ACCESS, ACCESS_AUD: "" },
    );
    expect(res.status).toBe(503);
  });
});
