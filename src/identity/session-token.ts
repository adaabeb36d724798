import { sign, verify } from "hono/jwt";

/**
 * The default credential: a short-lived HS256 JWT whose subject is the user name, signed with
 * SESSION_SECRET. Hono's JWT helpers check the signature, algorithm, issuer and audience; the
 * times are checked here because Hono allows no clock skew and accepts a token without `exp`.
 */
export const SESSION = {
  lifetimeS: 15 * 60,
  /** How far apart two machines' clocks may be and still agree on a token's times. */
  skewS: 60,
  /** HS256 is only as strong as its key: shorter secrets are refused as misconfiguration. */
  minSecretChars: 32,
} as const;

/**
 * Who signs and who may accept: the Worker and its environment (the DEPLOYMENT var, e.g.
 * `workers-durable-objects-starter-staging`), so a token minted by staging is refused by
 * production even when the two share a secret.
 */
export type Deployment = { secret: string; deployment: string };

export const issuerOf = (deployment: string) => deployment;
export const audienceOf = (deployment: string) => `${deployment}/chat`;

export type SessionToken = { token: string; expiresAt: number };

/** `holdId` ties the credential to one hold of the name: a later holder's credentials differ. */
export type Verified = { user: string; holdId?: string } | { problem: string };

export async function mintSessionToken(
  { secret, deployment }: Deployment,
  user: string,
  { holdId, nowMs = Date.now() }: { holdId?: string; nowMs?: number } = {},
): Promise<SessionToken> {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + SESSION.lifetimeS;
  const token = await sign(
    {
      sub: user,
      iss: issuerOf(deployment),
      aud: audienceOf(deployment),
      iat,
      exp,
      ...(holdId === undefined ? {} : { hid: holdId }),
    },
    secret,
    "HS256",
  );
  return { token, expiresAt: exp * 1000 };
}

/** Never throws: every malformed, forged, foreign or stale token is a problem, not a 500. */
export async function verifySessionToken(
  { secret, deployment }: Deployment,
  token: string,
  nowMs = Date.now(),
): Promise<Verified> {
  let claims: Record<string, unknown>;
  try {
    claims = await verify(token, secret, {
      alg: "HS256",
      iss: issuerOf(deployment),
      aud: audienceOf(deployment),
      exp: false,
      nbf: false,
      iat: false,
    });
  } catch {
    // Hono's error messages quote the token; they must not reach a log line.
    return { problem: "the credential is not valid" };
  }
  const now = Math.floor(nowMs / 1000);
  const { sub, iat, exp, nbf, hid } = claims;
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
  if (hid !== undefined && typeof hid !== "string") {
    return { problem: "the credential is not valid" };
  }
  return hid === undefined ? { user: sub } : { user: sub, holdId: hid };
}

const isTime = (value: unknown): value is number =>
  typeof value === "number" && Number.isSafeInteger(value);
