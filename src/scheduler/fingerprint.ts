// What a create request asked for, as the key of a scheduled event is bound to it.
import type { Action } from "./event";
import type { When } from "./run-time";

/**
 * The normalized create body without its key: `at` as epoch ms (an ISO string and its epoch ms
 * are one request), the action with its defaults applied, object keys sorted. `delay` stays a
 * delay, so a retried request with the same delay is the same request however late it comes.
 */
export function requestFingerprint(
  { at, delay, cron }: When,
  action: Action,
): string {
  const when =
    at === undefined
      ? { delay, cron }
      : { at: typeof at === "number" ? at : Date.parse(at) };
  return canonicalJson({ ...when, action });
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const fields = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(
        ([name, field]) => `${JSON.stringify(name)}:${canonicalJson(field)}`,
      );
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value);
}
