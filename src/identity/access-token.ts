import { verifyWithJwks } from "hono/jwt";
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import type { Verified } from "./session-token";

/**
 * The Cloudflare Access alternative to session-token.ts, for a Worker behind an Access
 * application: Access signs in the person and adds its application token to every request as
 * `Cf-Access-Jwt-Assertion`, RS256-signed with keys published at the team's certs URL. Used
 * when IDENTITY_MODE is "access" (identity.ts), with ACCESS_TEAM_DOMAIN and ACCESS_AUD.
 */
export type AccessApp = {
  /** `<team>.cloudflareaccess.com` */
  teamDomain: string;
  /** The application's Audience (AUD) tag. */
  audience: string;
  /** The signing keys, when not fetched from the team's certs URL (tests). */
  keys?: HonoJsonWebKey[];
};

export const ACCESS_HEADER = "Cf-Access-Jwt-Assertion";

export async function verifyAccessToken(
  app: AccessApp,
  token: string,
): Promise<Verified> {
  let claims: Record<string, unknown>;
  try {
    claims = await verifyWithJwks(
      token,
      {
        ...(app.keys
          ? { keys: app.keys }
          : { jwks_uri: `https://${app.teamDomain}/cdn-cgi/access/certs` }),
        allowedAlgorithms: ["RS256"],
        verification: { iss: `https://${app.teamDomain}`, aud: app.audience },
      },
      // Access rotates keys every 6 weeks and keeps the old one valid for 7 days: a few
      // minutes in Cloudflare's cache spares a fetch per request.
      { cf: { cacheTtl: 300, cacheEverything: true } },
    );
  } catch {
    // Hono's error messages quote the token; they must not reach a log line.
    return { problem: "the Access token is not valid" };
  }
  const { email } = claims;
  if (typeof email !== "string" || email === "") {
    return { problem: "the Access token names no person (a service token?)" };
  }
  return { user: email };
}
