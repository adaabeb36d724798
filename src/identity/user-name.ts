// The rule a user name follows, wherever a name enters: a claim, a credential, a post, a socket,
// presence, a scheduled post. Plain code, so objects may use it too (AGENTS.md, "Feature seams").
import { charCount } from "../shared/char-count";
import { skeleton } from "./confusables";

export const USER_MAX_CHARS = 32;
export const USER_RULE = `1-${USER_MAX_CHARS} characters after NFKC normalization and trimming; no control, format (zero-width, bidi, soft hyphen), private-use or unassigned characters`;
/**
 * The name's outer bounds as JSON Schema keywords for the OpenAPI document: no control
 * characters, something besides whitespace, at most USER_MAX_CHARS UTF-16 units. The server
 * applies USER_RULE in full (parseUser).
 */
export const USER_SCHEMA = {
  minLength: 1,
  maxLength: USER_MAX_CHARS,
  pattern:
    "^[^\\u0000-\\u001f\\u007f-\\u009f]*\\S[^\\u0000-\\u001f\\u007f-\\u009f]*$",
} as const;

/**
 * A name as people see it and as the server compares it. Two names with the same `key` are one
 * name: `Ada`, `ADA`, fullwidth `ａｄａ` and `аda` with a Cyrillic а all have the key `ada`.
 */
export type UserName = { display: string; key: string };

/** Code points a name may not carry, each with the rule it breaks (docs/identity.md, "Names"). */
const REFUSED: readonly [RegExp, string][] = [
  [/\p{Cc}/u, "control characters"],
  [/\p{Cf}/u, "format characters (zero-width, bidi controls, soft hyphen)"],
  [/\p{Co}/u, "private-use characters"],
  [/\p{Cs}/u, "lone surrogates"],
  // Unassigned as of the runtime's Unicode version: a later Unicode may give such a code point
  // a look-alike that today's skeleton table cannot know.
  [/\p{Cn}/u, "unassigned code points"],
];

/** The name, or the rule it breaks (a sentence for a 400). */
export function parseUser(raw: unknown): UserName | { problem: string } {
  if (typeof raw !== "string") return { problem: "must be a string" };
  // Lone surrogates first: normalize() keeps them, but they are not text.
  if (!raw.isWellFormed()) return { problem: "must not carry lone surrogates" };
  const trimmed = raw.normalize("NFKC").trim();
  // Before whitespace is collapsed: a tab or a newline inside a name is a control character.
  for (const [pattern, what] of REFUSED) {
    if (pattern.test(trimmed)) return { problem: `must not carry ${what}` };
  }
  const display = trimmed.replaceAll(/\s+/gu, " ");
  const length = charCount(display);
  if (length < 1) return { problem: "must not be empty" };
  if (length > USER_MAX_CHARS) {
    return {
      problem: `must be at most ${USER_MAX_CHARS} characters after normalization (got ${length})`,
    };
  }
  return { display, key: userKey(display) };
}

/** The display form, or null when `raw` breaks the rule. */
export function cleanUser(raw: unknown): string | null {
  const parsed = parseUser(raw);
  return "problem" in parsed ? null : parsed.display;
}

/**
 * The comparison key of a display form: case-folded, then mapped to its confusable skeleton
 * (confusables.ts). Upper-casing before lower-casing folds ß to ss and final ς to σ, as full
 * case folding does, where toLowerCase alone would not.
 */
export function userKey(display: string): string {
  return skeleton(display.toUpperCase().toLowerCase());
}

/** Whether two names are one name. */
export const sameUser = (a: string, b: string): boolean =>
  userKey(a) === userKey(b);
