// The cursor the scheduler's list route hands out: where the next page starts.
import type { Position } from "./rpc";

/** Opaque to clients: base64url of the last event's runAt and id. */
export function encodeCursor({ runAt, id }: Position): string {
  return btoa(`${runAt}:${id}`)
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function decodeCursor(cursor: string): Position | null {
  let text: string;
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return null;
  }
  const match = /^(\d{1,16}):([A-Za-z0-9_-]{1,64})$/.exec(text);
  const runAt = Number(match?.[1]);
  return match && Number.isSafeInteger(runAt) ? { runAt, id: match[2]! } : null;
}
