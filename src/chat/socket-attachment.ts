import { RATE_LIMIT } from "./protocol";

/**
 * One connection's state. It lives in the socket's attachment (kept by the runtime while the
 * object hibernates), never only in a field, which eviction would erase. The runtime refuses an
 * attachment over 16,384 serialized bytes (measured on workerd 1.20261023.1: "A WebSocket
 * 'attachment' cannot be larger than 16384 bytes"); an attachment is a name, a time and at most
 * RATE_LIMIT.messages timestamps, far below that.
 */
export type Attachment = {
  user: string;
  joinedAt: number;
  /** When this connection's recent messages were stored, oldest first: its rate-limit window. */
  sentAt: number[];
  /** The room closed this socket itself and already announced the leave. */
  closedByRoom?: boolean;
};

export function saveAttachment(ws: WebSocket, attachment: Attachment): void {
  ws.serializeAttachment(attachment);
}

/** The socket's attachment, or null for a socket the room does not know (nothing attached). */
export function loadAttachment(ws: WebSocket): Attachment | null {
  const saved = ws.deserializeAttachment() as Partial<Attachment> | null;
  if (typeof saved?.user !== "string") return null;
  return {
    user: saved.user,
    joinedAt: saved.joinedAt ?? 0,
    sentAt: saved.sentAt ?? [],
    closedByRoom: saved.closedByRoom ?? false,
  };
}

/**
 * A sliding window: at most RATE_LIMIT.messages stored in any RATE_LIMIT.windowMs. Returns the
 * attachment with this send recorded, or how long until the oldest send in the window expires.
 */
export function takeSendSlot(
  attachment: Attachment,
  now: number,
): { attachment: Attachment } | { retryAfterMs: number } {
  const recent = attachment.sentAt.filter(
    (sentAt) => sentAt > now - RATE_LIMIT.windowMs,
  );
  if (recent.length >= RATE_LIMIT.messages) {
    return { retryAfterMs: recent[0]! + RATE_LIMIT.windowMs - now };
  }
  return { attachment: { ...attachment, sentAt: [...recent, now] } };
}
