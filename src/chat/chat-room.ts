import { DurableObject } from "cloudflare:workers";
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
  MAX_HISTORY_PAGE,
  MAX_SOCKETS_PER_USER,
  sendableCloseCode,
  WELCOME_MESSAGES,
  type ChatMessage,
  type ErrorCode,
  type ServerFrame,
} from "./protocol";
import { judgeFrame } from "./budgets";
import { PresenceBatcher } from "./presence";
import { Roster } from "./roster";
import { send, sendQuietly } from "./send";
import type { Attachment } from "./socket-attachment";
import { cleanText, TEXT_RULE } from "./text-rule";
import { readUpgrade, tooManySockets } from "./upgrade";

export type { ChatMessage } from "./protocol";

export type PostOptions = { user: string; text: string };

/**
 * One chat room per object, on the WebSocket Hibernation API: the runtime holds the sockets
 * while the object sleeps, so an idle room costs nothing. Nothing here may keep it awake (no
 * timers, no pending promises), and nothing that must survive a sleep lives only in a field.
 */
export class ChatRoom extends DurableObject<Env> {
  readonly #roster: Roster;
  readonly #presence = new PresenceBatcher(() => this.#roster.sockets());
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
    this.#roster = new Roster(ctx.getWebSockets());
  }

  /** Only the WebSocket upgrade comes here; the Worker has already validated it. */
  override fetch(request: Request): Response {
    const upgrade = readUpgrade(request);
    if (upgrade instanceof Response) return upgrade;
    const { user, after } = upgrade;
    const key = userKey(user);
    const mine = this.#roster.socketsOf(key);
    if (mine.length >= MAX_SOCKETS_PER_USER) return tooManySockets();
    const { 0: client, 1: server } = new WebSocketPair();
    // Tags let a future feature find one user's sockets with getWebSockets(tag).
    this.ctx.acceptWebSocket(server, [`user:${key}`]);
    // A user already here keeps the display form they joined with: one name, one spelling.
    const shown = mine[0]?.user ?? user;
    this.#roster.save(server, {
      user: shown,
      key,
      joinedAt: Date.now(),
      sentAt: [],
    });
    const messages =
      after === undefined
        ? this.#page({ limit: WELCOME_MESSAGES })
        : this.#page({ after, limit: MAX_HISTORY_PAGE });
    send(server, {
      type: "welcome",
      user: shown,
      online: this.#roster.online(),
      messages,
    });
    // Presence is per user: only a user's first socket is a join.
    this.#presence.joined(server, shown, mine.length === 0);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    const attachment = this.#roster.get(ws);
    if (!attachment) return;
    const verdict = judgeFrame(
      message,
      attachment,
      () =>
        this.#roster.socketsOf(attachment.key).filter((a) => a !== attachment),
      Date.now(),
    );
    if ("close" in verdict) {
      this.#roster.close(ws, verdict.attachment, verdict.close, verdict.reason);
      this.#leaveIfLast(verdict.attachment);
    } else if ("error" in verdict) {
      this.#answerError(ws, verdict.attachment, verdict.error, verdict.message);
    } else {
      this.#roster.save(ws, verdict.attachment);
      this.#publish(attachment.user, verdict.text);
    }
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
    return { online: this.#roster.size };
  }

  history(options: PageOptions = {}): { messages: ChatMessage[] } {
    return { messages: this.#page(options) };
  }

  /** Closes every socket with 1001 and deletes every table, row and the alarm: the room as if never used. */
  async destroy(): Promise<void> {
    this.#presence.clear();
    for (const ws of this.ctx.getWebSockets()) {
      const attachment = this.#roster.get(ws);
      if (attachment) this.#roster.close(ws, attachment, 1001, "room deleted");
    }
    await this.#schema.deleteAll();
  }

  /** A room never written has no messages, answered without creating anything. */
  #page(options: PageOptions): ChatMessage[] {
    return this.#schema.exists ? this.#history.page(options) : [];
  }

  /**
   * No transaction of its own: below the retention limit a message is one INSERT; at the limit
   * it is the INSERT and a prune, and a prune that a failure leaves undone is caught up by the
   * next message's.
   */
  #publish(user: string, text: string): ChatMessage {
    const message = this.#schema.writeStatement(() =>
      this.#history.append(user, text, Date.now()),
    );
    this.#presence.flush();
    this.#broadcast({ type: "message", ...message });
    return message;
  }

  /** To every open connection: the roster, which a close or the room's own close leaves. */
  #broadcast(frame: ServerFrame): void {
    const data = JSON.stringify(frame);
    for (const ws of this.#roster.sockets()) sendQuietly(ws, data);
  }

  #leave(ws: WebSocket): void {
    const attachment = this.#roster.remove(ws);
    if (attachment) this.#leaveIfLast(attachment);
  }

  /** Presence is per user: a leave only when the user's last socket has gone. */
  #leaveIfLast(attachment: Attachment): void {
    if (this.#roster.socketsOf(attachment.key).length === 0) {
      this.#presence.left(attachment.user);
    }
  }

  /** An error frame; the socket stays open, but its next frames count as strikes. */
  #answerError(
    ws: WebSocket,
    attachment: Attachment,
    code: ErrorCode,
    message: string,
  ): void {
    this.#roster.save(ws, { ...attachment, erroredAt: Date.now() });
    send(ws, { type: "error", code, message });
  }
}
