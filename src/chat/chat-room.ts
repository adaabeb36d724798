import { DurableObject } from "cloudflare:workers";
import { errorBody } from "../shared/error-body";
import { fail, type Failure } from "../shared/failure";
import { logObject } from "../shared/object-log";
import { Schema } from "../shared/sql-schema";
import {
  CHAT_SCHEMA,
  ChatHistory,
  historyLimit,
  type PageOptions,
} from "./history";
import { cleanUser, USER_RULE, userKey } from "../identity/user-name";
import {
  isOversized,
  MAX_HISTORY_PAGE,
  MAX_SOCKETS_PER_USER,
  parseClientFrame,
  parseId,
  sendableCloseCode,
  WELCOME_MESSAGES,
  type ChatMessage,
  type ErrorCode,
  type ServerFrame,
} from "./protocol";
import { PresenceBatcher } from "./presence";
import { sendQuietly } from "./send";
import { cleanText, TEXT_RULE } from "./text-rule";
import {
  countStrike,
  loadAttachment,
  saveAttachment,
  takeSendSlot,
  type Attachment,
} from "./socket-attachment";

export type { ChatMessage } from "./protocol";

export type PostOptions = { user: string; text: string };

/**
 * One chat room per object, on the WebSocket Hibernation API: the runtime holds the sockets
 * while the object sleeps, so an idle room costs nothing. Nothing here may keep it awake (no
 * timers, no pending promises), and nothing that must survive a sleep lives only in a field.
 */
export class ChatRoom extends DurableObject<Env> {
  /** A view rebuilt from the attachments on every wake; the attachments are the truth. */
  readonly #attachments = new Map<WebSocket, Attachment>();
  readonly #presence = new PresenceBatcher(() => this.#attachments.keys());
  readonly #history: ChatHistory;
  readonly #schema: Schema;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#schema = new Schema(ctx.storage, CHAT_SCHEMA);
    this.#history = new ChatHistory(ctx.storage.sql, {
      keep: historyLimit(env),
    });
    // Answered by the runtime itself, without waking the object.
    ctx.setWebSocketAutoResponse(
      new WebSocketRequestResponsePair("ping", "pong"),
    );
    // In join order, so the online list keeps it. A socket that is already closing will get
    // its webSocketClose next; it is no longer online.
    const open = ctx
      .getWebSockets()
      .filter((ws) => ws.readyState === WebSocket.OPEN)
      .flatMap((ws) => {
        const attachment = loadAttachment(ws);
        return attachment && !attachment.closedByRoom
          ? [{ ws, attachment }]
          : [];
      })
      .sort((a, b) => a.attachment.joinedAt - b.attachment.joinedAt);
    for (const { ws, attachment } of open)
      this.#attachments.set(ws, attachment);
  }

  /** Only the WebSocket upgrade comes here; the Worker has already validated it. */
  override fetch(request: Request): Response {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return refuseUpgrade(426, "upgrade_required", "expected a WebSocket");
    }
    const query = new URL(request.url).searchParams;
    const user = cleanUser(query.get("user"));
    const afterParam = query.get("after");
    const after = afterParam === null ? undefined : parseId(afterParam);
    if (user === null || after === null) {
      return refuseUpgrade(400, "invalid_request", "bad user or after");
    }
    const key = userKey(user);
    const mine = this.#socketsOf(key);
    if (mine.length >= MAX_SOCKETS_PER_USER) {
      return refuseUpgrade(
        429,
        "too_many_connections",
        `a user may hold at most ${MAX_SOCKETS_PER_USER} sockets in a room; close one first`,
        { "Retry-After": "10" },
      );
    }
    const { 0: client, 1: server } = new WebSocketPair();
    // Tags let a future feature find one user's sockets with getWebSockets(tag).
    this.ctx.acceptWebSocket(server, [`user:${key}`]);
    // A user already here keeps the display form they joined with: one name, one spelling.
    const shown = mine[0]?.user ?? user;
    const attachment: Attachment = {
      user: shown,
      key,
      joinedAt: Date.now(),
      sentAt: [],
    };
    saveAttachment(server, attachment);
    this.#attachments.set(server, attachment);
    const messages =
      after === undefined
        ? this.#page({ limit: WELCOME_MESSAGES })
        : this.#page({ after, limit: MAX_HISTORY_PAGE });
    send(server, {
      type: "welcome",
      user: shown,
      online: this.#online(),
      messages,
    });
    // Presence is per user: only a user's first socket is a join.
    this.#presence.joined(server, shown, mine.length === 0);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    const attachment = this.#attachments.get(ws);
    if (!attachment) return;
    if (isOversized(message)) {
      this.#closeByRoom(ws, attachment, 1009, "frames are limited to 64 KiB");
      this.#leaveIfLast(attachment);
      return;
    }
    const now = Date.now();
    const strike = countStrike(attachment, now);
    if (strike.over) {
      this.#closeByRoom(
        ws,
        strike.attachment,
        1008,
        "kept sending after an error; reconnect and slow down",
      );
      this.#leaveIfLast(strike.attachment);
      return;
    }
    const parsed = parseClientFrame(message);
    if ("error" in parsed) {
      this.#answerError(ws, strike.attachment, parsed.error, parsed.message);
      return;
    }
    const others = this.#socketsOf(attachment.key).filter(
      (a) => a !== attachment,
    );
    const slot = takeSendSlot(strike.attachment, others, now);
    if ("retryAfterMs" in slot) {
      const seconds = Math.ceil(slot.retryAfterMs / 1000);
      this.#answerError(
        ws,
        strike.attachment,
        "rate_limited",
        `too many messages; retry in ${seconds} s`,
      );
      return;
    }
    saveAttachment(ws, slot.attachment);
    this.#attachments.set(ws, slot.attachment);
    this.#publish(attachment.user, parsed.text);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string) {
    // Reciprocate the peer's Close frame: hibernatable sockets do not do it for us, and without
    // it the client waits, then reports 1006. 1005 ("no code given") and 1006 ("dropped") only
    // describe a close locally and must never be sent (close() throws on them, which would also
    // skip the leave below), so those are answered with a plain 1000.
    ws.close(sendableCloseCode(code), reason);
    this.#leave(ws);
  }

  override webSocketError(ws: WebSocket, error: unknown) {
    logObject(this.ctx, "warn", "websocket_error", { error: String(error) });
    this.#leave(ws);
  }

  /** Validates and trims like a socket message does, stores, broadcasts, returns the stored message. */
  post({ user, text }: PostOptions): ChatMessage | Failure {
    const cleanedUser = cleanUser(user);
    if (cleanedUser === null) {
      return fail("invalid_request", `user must be ${USER_RULE}`);
    }
    const cleanedText = cleanText(text);
    if (cleanedText === null) {
      return fail("invalid_request", `text must be ${TEXT_RULE}`);
    }
    return this.#publish(cleanedUser, cleanedText);
  }

  info(): { online: number } {
    return { online: this.#attachments.size };
  }

  history(options: PageOptions = {}): { messages: ChatMessage[] } {
    return { messages: this.#page(options) };
  }

  /** Closes every socket with 1001 and deletes every table, row and the alarm: the room as if never used. */
  async destroy(): Promise<void> {
    this.#presence.clear();
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = this.#attachments.get(ws);
      if (attachment) this.#closeByRoom(ws, attachment, 1001, "room deleted");
    }
    await this.#schema.deleteAll();
  }

  /** A room never written has no messages, answered without creating anything. */
  #page(options: PageOptions): ChatMessage[] {
    return this.#schema.exists ? this.#history.page(options) : [];
  }

  #publish(user: string, text: string): ChatMessage {
    const message = this.#schema.write(() =>
      this.#history.append(user, text, Date.now()),
    );
    this.#presence.flush();
    this.#broadcast({ type: "message", ...message });
    return message;
  }

  /** To every open connection: the attachments map, which a close or the room's own close leaves. */
  #broadcast(frame: ServerFrame): void {
    const data = JSON.stringify(frame);
    for (const ws of this.#attachments.keys()) sendQuietly(ws, data);
  }

  /** Marked in the attachment first: the peer's answering close may arrive after a hibernation. */
  #closeByRoom(
    ws: WebSocket,
    attachment: Attachment,
    code: number,
    reason: string,
  ) {
    saveAttachment(ws, { ...attachment, closedByRoom: true });
    this.#attachments.delete(ws);
    ws.close(code, reason);
  }

  #leave(ws: WebSocket): void {
    const attachment = this.#attachments.get(ws);
    if (!attachment) return;
    this.#attachments.delete(ws);
    this.#leaveIfLast(attachment);
  }

  /** Presence is per user: a leave only when the user's last socket has gone. */
  #leaveIfLast(attachment: Attachment): void {
    if (this.#socketsOf(attachment.key).length === 0) {
      this.#presence.left(attachment.user);
    }
  }

  /** The open sockets of one user (by name key), in join order. */
  #socketsOf(key: string): Attachment[] {
    return [...this.#attachments.values()].filter((a) => a.key === key);
  }

  /** Each user once, in the order they joined, as the first of their sockets shows them. */
  #online(): string[] {
    const seen = new Map<string, string>();
    for (const { key, user } of this.#attachments.values()) {
      if (!seen.has(key)) seen.set(key, user);
    }
    return [...seen.values()];
  }

  /** An error frame; the socket stays open, but its next frames count as strikes. */
  #answerError(
    ws: WebSocket,
    attachment: Attachment,
    code: ErrorCode,
    message: string,
  ): void {
    const answered = { ...attachment, erroredAt: Date.now() };
    saveAttachment(ws, answered);
    this.#attachments.set(ws, answered);
    send(ws, { type: "error", code, message });
  }
}

function send(ws: WebSocket, frame: ServerFrame): void {
  ws.send(JSON.stringify(frame));
}

/** The answer to a fetch that is not a WebSocket upgrade the room can take. */
function refuseUpgrade(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return Response.json(errorBody(code, message), { status, headers });
}
