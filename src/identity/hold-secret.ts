/**
 * What proves a hold: 256 random bits, given to the holder once. The hold object keeps only
 * its SHA-256, so neither storage nor a log line can give a hold away.
 */
export function newHoldSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

export async function hashHoldSecret(secret: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(secret),
  );
  return [...new Uint8Array(digest)]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/** `Authorization: Hold <secret>`, the way a holder releases its name. */
export function holdSecretOf(
  authorization: string | undefined,
): string | undefined {
  return /^Hold +(\S+) *$/i.exec(authorization ?? "")?.[1];
}
