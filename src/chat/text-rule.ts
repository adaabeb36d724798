// The rule a chat message's text follows. The scheduler's chat.post action checks it at creation:
// this file is chat's seam for that (AGENTS.md, "Feature seams").
import { charCount } from "../shared/char-count";

export const TEXT_MAX_CHARS = 2000;
export const TEXT_RULE = `1-${TEXT_MAX_CHARS} characters after trimming`;

/** The trimmed text, or null when it breaks TEXT_RULE. */
export function cleanText(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const text = raw.trim();
  const length = charCount(text);
  return length < 1 || length > TEXT_MAX_CHARS ? null : text;
}
