import { sign, verify } from "hono/jwt";

/**
 * The default credential: a short-lived HS256 JWT whose subject is the user name, signed with
 * SESSION_SECRET. Hono's JWT helpers check the signature, algorithm, issuer and audience; the
 * times are checked here because Hono allows no clock skew and accepts a token without `exp`.
 */
export const SESSION = {
  issuer: "workers-durable-objects-starter",
  audience: "chat",
  lifetimeS: 15 * 60,
  /** How far apart two machines' clocks may be and still agree on a token's times. */
  skewS: 60,
  /** HS256 is only as strong as its key: shorter secrets are refused as misconfiguration. */
  minSecretChars: 32,
} as const;

export type SessionToken = { token: string; expiresAt: number };

export type Verified = { user: string } | { problem: string };

export async function mintSessionToken(
  secret: string,
  user: string,
  nowMs = Date.now(),
): Promise<SessionToken> {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + SESSION.lifetimeS;
  const token = await sign(
    { sub: user, iss: SESSION.issuer, aud: SESSION.audience, iat, exp },
    secret,
    "HS256",
  );
  return { token, expiresAt: exp * 1000 };
}

/** Never throws: every malformed, forged, foreign or stale token is a problem, not a 500. */
export async function verifySessionToken(
  secret: string,
  token: string,
  nowMs = Date.now(),
): Promise<Verified> {
  let claims: Record<string, unknown>;
  try {
    claims = await verify(token, secret, {
      alg: "HS256",
      iss: SESSION.issuer,
      aud: SESSION.audience,
      exp: false,
      nbf: false,
      iat: false,
    });
  } catch {
    // Hono's error messages quote the token; they must not reach a log line.
    return { problem: "the credential is not valid" };
  }
  const now = Math.floor(nowMs / 1000);
  const { sub, iat, exp, nbf } = claims;
  if (!isTime(iat) || !isTime(exp) || (nbf !== undefined && !isTime(nbf))) {
    return { problem: "the credential lacks its times" };
  }
  if (exp - iat > SESSION.lifetimeS) {
    return { problem: "the credential lives longer than this server allows" };
  }
  if (iat - SESSION.skewS > now || (isTime(nbf) && nbf - SESSION.skewS > now)) {
    return { problem: "the credential is not valid yet" };
  }
  if (exp + SESSION.skewS <= now) {
    return { problem: "the credential has expired; get a new one" };
  }
  if (typeof sub !== "string" || sub === "") {
    return { problem: "the credential names no user" };
  }
  return { user: sub };
}

const isTime = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value);
