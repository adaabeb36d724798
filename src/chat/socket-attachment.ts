import { userKey } from "../identity/user-name";

/**
 * One connection's state. It lives in the socket's attachment (kept by the runtime while the
 * object hibernates), never only in a field, which eviction would erase. The runtime refuses an
 * attachment over 16,384 serialized bytes (measured on workerd 1.20261023.1: "A WebSocket
 * 'attachment' cannot be larger than 16384 bytes"); an attachment is a name, a time and at most
 * RATE_LIMIT.messages timestamps, far below that.
 */
export type Attachment = {
  /** The display form, as stored and shown. */
  user: string;
  /** The name's key (identity/user-name.ts): sockets with one key are one user. */
  key: string;
  joinedAt: number;
  /** When this connection's recent messages were stored, oldest first: its share of the user's window. */
  sentAt: number[];
  /** When this socket was last answered with an error frame. */
  erroredAt?: number;
  /** Frames received within STRIKES.windowMs after an error answer: too many closes the socket. */
  strikes?: number[];
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
    key: saved.key ?? userKey(saved.user),
    joinedAt: saved.joinedAt ?? 0,
    ...(saved.erroredAt === undefined ? {} : { erroredAt: saved.erroredAt }),
    ...(saved.strikes === undefined ? {} : { strikes: saved.strikes }),
    sentAt: saved.sentAt ?? [],
    closedByRoom: saved.closedByRoom ?? false,
  };
}
