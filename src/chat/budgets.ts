import {
  isOversized,
  parseClientFrame,
  RATE_LIMIT,
  STRIKES,
  type ErrorCode,
} from "./protocol";
import type { Attachment } from "./socket-attachment";

/**
 * What the room does with one frame from a socket, once its budgets are counted: close the
 * socket, answer an error frame (the socket stays open), or store and broadcast `text`. Each
 * carries the attachment to save, with this frame counted.
 */
export type Verdict =
  | { close: number; reason: string; attachment: Attachment }
  | { error: ErrorCode; message: string; attachment: Attachment }
  | { text: string; attachment: Attachment };

/** `others`: the user's other open sockets in the room, asked only for a frame that would be stored. */
export function judgeFrame(
  message: string | ArrayBuffer,
  attachment: Attachment,
  others: () => Iterable<Attachment>,
  now: number,
): Verdict {
  if (isOversized(message)) {
    return { close: 1009, reason: "frames are limited to 64 KiB", attachment };
  }
  const strike = countStrike(attachment, now);
  if (strike.over) {
    return {
      close: 1008,
      reason: "kept sending after an error; reconnect and slow down",
      attachment: strike.attachment,
    };
  }
  const parsed = parseClientFrame(message);
  if ("error" in parsed) {
    return { ...parsed, attachment: strike.attachment };
  }
  const slot = takeSendSlot(strike.attachment, others(), now);
  if ("retryAfterMs" in slot) {
    const seconds = Math.ceil(slot.retryAfterMs / 1000);
    return {
      error: "rate_limited",
      message: `too many messages; retry in ${seconds} s`,
      attachment: strike.attachment,
    };
  }
  return { text: parsed.text, attachment: slot.attachment };
}

/**
 * A sliding window per user: at most RATE_LIMIT.messages stored in any RATE_LIMIT.windowMs
 * across all of the user's sockets in the room (`others`: the user's other open sockets).
 * Returns the attachment with this send recorded, or how long until a slot frees up.
 */
export function takeSendSlot(
  attachment: Attachment,
  others: Iterable<Attachment>,
  now: number,
): { attachment: Attachment } | { retryAfterMs: number } {
  const since = now - RATE_LIMIT.windowMs;
  const recent = attachment.sentAt.filter((sentAt) => sentAt > since);
  const window = [...recent];
  for (const other of others) {
    for (const sentAt of other.sentAt) if (sentAt > since) window.push(sentAt);
  }
  if (window.length >= RATE_LIMIT.messages) {
    window.sort((a, b) => a - b);
    const freed = window[window.length - RATE_LIMIT.messages]!;
    return { retryAfterMs: freed + RATE_LIMIT.windowMs - now };
  }
  return { attachment: { ...attachment, sentAt: [...recent, now] } };
}

/**
 * After an error answer, the frames that keep coming: returns the attachment with this frame
 * counted, and whether the socket has now sent more than STRIKES.frames of them in a window.
 */
export function countStrike(
  attachment: Attachment,
  now: number,
): { attachment: Attachment; over: boolean } {
  if (
    attachment.erroredAt === undefined ||
    now - attachment.erroredAt > STRIKES.windowMs
  ) {
    return { attachment, over: false };
  }
  const strikes = [
    ...(attachment.strikes ?? []).filter((at) => at > now - STRIKES.windowMs),
    now,
  ];
  return {
    attachment: { ...attachment, strikes },
    over: strikes.length > STRIKES.frames,
  };
}
