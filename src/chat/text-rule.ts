// The rule a chat message's text follows. The scheduler's chat.post action checks it at creation:
// this file is chat's seam for that (AGENTS.md, "Feature seams").
import { charCount } from "../shared/char-count";

export const TEXT_MAX_CHARS = 2000;
export const TEXT_RULE = `1-${TEXT_MAX_CHARS} characters after trimming`;
/**
 * TEXT_RULE as JSON Schema keywords for the OpenAPI document: a text within them is accepted (the
 * raw length bounds the trimmed one; the pattern asks for something besides whitespace).
 */
export const TEXT_SCHEMA = {
  minLength: 1,
  maxLength: TEXT_MAX_CHARS,
  pattern: "\\S",
} as const;

/** The trimmed text, or null when it breaks TEXT_RULE. */
export function cleanText(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const text = raw.trim();
  const length = charCount(text);
  return length < 1 || length > TEXT_MAX_CHARS ? null : text;
}
