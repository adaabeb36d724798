import { sign } from "hono/jwt";
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { beforeAll, describe, it } from "vitest";
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
