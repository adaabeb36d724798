/** The chat wire protocol: limits, input rules, frames. docs/chat-protocol.md is its client-facing twin. */
import { cleanText, TEXT_RULE } from "./text-rule";

export type ChatMessage = {
  id: number;
  user: string;
  text: string;
  at: number;
};

export const MAX_FRAME_BYTES = 64 * 1024;
export const WELCOME_MESSAGES = 50;
/** The most messages one history page or welcome frame carries. */
export const MAX_HISTORY_PAGE = 200;
/** Per user per room, shared by all of that user's sockets. */
export const RATE_LIMIT = { messages: 20, windowMs: 10_000 } as const;
/** Open sockets one user may hold in one room. */
export const MAX_SOCKETS_PER_USER = 5;
/** More than `frames` frames within `windowMs` after an error answer close the socket (1008). */
export const STRIKES = { frames: 10, windowMs: 10_000 } as const;

export type ErrorCode =
  "invalid_json" | "unknown_type" | "invalid_text" | "rate_limited";

export type ServerFrame =
  | {
      type: "welcome";
      user: string;
      online: string[];
      messages: ChatMessage[];
    }
  | { type: "join" | "leave"; user: string }
  /** Several joins and leaves at once, as their net change: see presence.ts. */
  | { type: "presence"; joined: string[]; left: string[] }
  | ({ type: "message" } & ChatMessage)
  | { type: "error"; code: ErrorCode; message: string };

export type ClientFrame = { type: "message"; text: string };

/** Message ids in query strings: non-negative integers JSON can carry exactly. */
export function parseId(raw: string): number | null {
  if (!/^\d{1,16}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

export function isOversized(message: string | ArrayBuffer): boolean {
  if (typeof message !== "string") return message.byteLength > MAX_FRAME_BYTES;
  // UTF-8 takes at least one and at most three bytes per UTF-16 code unit: encode only when unsure.
  if (message.length > MAX_FRAME_BYTES) return true;
  if (message.length * 3 <= MAX_FRAME_BYTES) return false;
  return new TextEncoder().encode(message).byteLength > MAX_FRAME_BYTES;
}

/** A client frame, already size-checked, as a valid message or the error frame to answer with. */
export function parseClientFrame(
  message: string | ArrayBuffer,
): { text: string } | { error: ErrorCode; message: string } {
  if (typeof message !== "string") {
    return {
      error: "invalid_json",
      message: "send JSON in text frames; binary frames are not accepted",
    };
  }
  let frame: unknown;
  try {
    frame = JSON.parse(message);
  } catch {
    return { error: "invalid_json", message: "the frame is not valid JSON" };
  }
  const type = (frame as { type?: unknown } | null)?.type;
  if (type !== "message") {
    return {
      error: "unknown_type",
      message: `unknown frame type ${JSON.stringify(type ?? null)}; send {"type":"message","text":...}`,
    };
  }
  const text = cleanText((frame as Partial<ClientFrame>).text);
  if (text === null) {
    return { error: "invalid_text", message: `text must be ${TEXT_RULE}` };
  }
  return { text };
}

/** The peer's close code if it may be sent back in a Close frame, else a normal 1000. */
export function sendableCloseCode(code: number): number {
  const sendable =
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
  return sendable ? code : 1000;
}
