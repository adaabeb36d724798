// The rule a user name follows, wherever a name enters: a session, a room, a scheduled post.
// Plain code, so objects may use it too (AGENTS.md, "Feature seams").
import { charCount } from "../shared/char-count";

export const USER_MAX_CHARS = 32;
export const USER_RULE = `1-${USER_MAX_CHARS} characters after trimming, no control characters`;

/** The trimmed user name, or null when it breaks USER_RULE. */
export function cleanUser(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const user = raw.trim();
  const length = charCount(user);
  if (length < 1 || length > USER_MAX_CHARS || /\p{Cc}/u.test(user))
    return null;
  return user;
}
