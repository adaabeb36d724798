import { RATE_LIMIT } from "./protocol";

/**
 * One connection's state. It lives in the socket's attachment (kept by the runtime while the
 * object hibernates), never only in a field, which eviction would erase. The runtime refuses an
 * attachment over 16,384 serialized bytes (measured on workerd 1.20261023.1: "A WebSocket
 * 'attachment' cannot be larger than 16384 bytes"); a session is a name, a time and at most
 * RATE_LIMIT.messages timestamps, far below that.
 */
export type Session = {
  user: string;
  joinedAt: number;
  /** When this connection's recent messages were stored, oldest first: its rate-limit window. */
  sentAt: number[];
  /** The room closed this socket itself and already announced the leave. */
  closedByRoom?: boolean;
};

export function saveSession(ws: WebSocket, session: Session): void {
  ws.serializeAttachment(session);
}

/** The socket's session, or null for a socket the room does not know (nothing attached). */
export function loadSession(ws: WebSocket): Session | null {
  const saved = ws.deserializeAttachment() as Partial<Session> | null;
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
 * session with this send recorded, or how long until the oldest send in the window expires.
 */
export function takeSendSlot(
  session: Session,
  now: number,
): { session: Session } | { retryAfterMs: number } {
  const recent = session.sentAt.filter(
    (sentAt) => sentAt > now - RATE_LIMIT.windowMs,
  );
  if (recent.length >= RATE_LIMIT.messages) {
    return { retryAfterMs: recent[0]! + RATE_LIMIT.windowMs - now };
  }
  return { session: { ...session, sentAt: [...recent, now] } };
}
