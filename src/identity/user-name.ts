// The rule a user name follows, wherever a name enters: a session, a room, a scheduled post.
// Plain code, so objects may use it too (AGENTS.md, "Feature seams").
import { charCount } from "../shared/char-count";

export const USER_MAX_CHARS = 32;
export const USER_RULE = `1-${USER_MAX_CHARS} characters after trimming, no control characters`;
/**
 * USER_RULE as JSON Schema keywords for the OpenAPI document: a name within them is accepted
 * (the raw length bounds the trimmed one; something besides whitespace, no control characters).
 */
export const USER_SCHEMA = {
  minLength: 1,
  maxLength: USER_MAX_CHARS,
  pattern:
    "^[^\\u0000-\\u001f\\u007f-\\u009f]*\\S[^\\u0000-\\u001f\\u007f-\\u009f]*$",
} as const;

/** The trimmed user name, or null when it breaks USER_RULE. */
export function cleanUser(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const user = raw.trim();
  const length = charCount(user);
  if (length < 1 || length > USER_MAX_CHARS || /\p{Cc}/u.test(user))
    return null;
  return user;
}
