import {
  loadAttachment,
  saveAttachment,
  type Attachment,
} from "./socket-attachment";

/**
 * Who is connected to a room: each open socket with its attachment, in join order. A view
 * rebuilt from the attachments on every wake; the attachments are the truth, so every change
 * is saved to the socket before it is kept here.
 */
export class Roster {
  readonly #attachments = new Map<WebSocket, Attachment>();
  /** Each user's open sockets by name key, in join order: asked on every stored message. */
  readonly #byKey = new Map<string, Set<WebSocket>>();

  /** `sockets`: what the runtime still holds for the room (`ctx.getWebSockets()`). */
  constructor(sockets: WebSocket[]) {
    // In join order, so the online list keeps it. A socket that is already closing will get
    // its webSocketClose next; it is no longer online.
    const open = sockets
      .filter((ws) => ws.readyState === WebSocket.OPEN)
      .flatMap((ws) => {
        const attachment = loadAttachment(ws);
        return attachment && !attachment.closedByRoom
          ? [{ ws, attachment }]
          : [];
      })
      .sort((a, b) => a.attachment.joinedAt - b.attachment.joinedAt);
    for (const { ws, attachment } of open) this.#keep(ws, attachment);
  }

  get size(): number {
    return this.#attachments.size;
  }

  sockets(): Iterable<WebSocket> {
    return this.#attachments.keys();
  }

  get(ws: WebSocket): Attachment | undefined {
    return this.#attachments.get(ws);
  }

  /** Adds or updates a socket, its attachment saved first. */
  save(ws: WebSocket, attachment: Attachment): void {
    saveAttachment(ws, attachment);
    this.#keep(ws, attachment);
  }

  /** Forgets a socket the peer closed; its attachment, or undefined if it was not here. */
  remove(ws: WebSocket): Attachment | undefined {
    const attachment = this.#attachments.get(ws);
    if (attachment) this.#forget(ws, attachment);
    return attachment;
  }

  /** Marked in the attachment first: the peer's answering close may arrive after a hibernation. */
  close(ws: WebSocket, attachment: Attachment, code: number, reason: string) {
    saveAttachment(ws, { ...attachment, closedByRoom: true });
    this.#forget(ws, attachment);
    ws.close(code, reason);
  }

  /** The open sockets of one user (by name key), in join order. */
  socketsOf(key: string): Attachment[] {
    return [...(this.#byKey.get(key) ?? [])].map((ws) =>
      this.#attachments.get(ws)!,
    );
  }

  /** Each user once, in the order they joined, as the first of their sockets shows them. */
  online(): string[] {
    const seen = new Map<string, string>();
    for (const { key, user } of this.#attachments.values()) {
      if (!seen.has(key)) seen.set(key, user);
    }
    return [...seen.values()];
  }

  #keep(ws: WebSocket, attachment: Attachment): void {
    this.#attachments.set(ws, attachment);
    const sockets = this.#byKey.get(attachment.key) ?? new Set();
    this.#byKey.set(attachment.key, sockets.add(ws));
  }

  #forget(ws: WebSocket, attachment: Attachment): void {
    this.#attachments.delete(ws);
    const sockets = this.#byKey.get(attachment.key);
    sockets?.delete(ws);
    if (sockets?.size === 0) this.#byKey.delete(attachment.key);
  }
}
