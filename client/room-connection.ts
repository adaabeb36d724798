import ReconnectingWebSocket from "partysocket/ws";
import { api, ApiFailure, describe, withRetries } from "./api";
import type {
  ChatMessage,
  MAX_HISTORY_PAGE,
  ServerFrame,
} from "../src/chat/protocol";
import { MessageLog } from "./chat-log";
import { ChatSession, NameTaken } from "./chat-session";
import { Heartbeat } from "./heartbeat";
import { Presence } from "./presence";

export type ConnectionState = "connecting" | "live" | "reconnecting" | "taken";

export type RoomEvents = {
  messages(fresh: ChatMessage[]): void;
  online(names: string[]): void;
  state(state: ConnectionState): void;
  error(message: string): void;
};

/** The most a welcome or a history page carries; a full one means more may be waiting. */
const PAGE: typeof MAX_HISTORY_PAGE = 200;

/**
 * One joined room: a reconnecting WebSocket (partysocket, backoff with jitter) whose every
 * attempt asks for `after=<the last id it has seen>`, so a reconnect fills the gap and the log
 * drops what it already has.
 */
export class RoomConnection {
  readonly #log = new MessageLog();
  readonly #presence = new Presence();
  readonly #socket: ReconnectingWebSocket;
  readonly #heartbeat: Heartbeat;
  readonly #session: ChatSession;
  /** Whether the current socket opened: one closed before opening was maybe refused (401). */
  #opened = false;
  /** Bumped per socket, so a catch-up started for an older socket stops. */
  #generation = 0;
  #catchingUp = false;

  constructor(
    readonly room: string,
    readonly user: string,
    private readonly events: RoomEvents,
  ) {
    this.#session = new ChatSession(user);
    this.#socket = new ReconnectingWebSocket(() => this.#nextUrl(), undefined, {
      minReconnectionDelay: 500 + Math.random() * 500,
      reconnectionDelayGrowFactor: 1.5,
      maxReconnectionDelay: 10_000,
      // A message typed while offline is refused at once rather than sent minutes later.
      maxEnqueuedMessages: 0,
    });
    this.#heartbeat = new Heartbeat(
      () => this.#socket.send("ping"),
      () => this.#socket.reconnect(4000, "no pong"),
    );
    this.#socket.addEventListener("message", (event: MessageEvent) =>
      this.#receive(event.data),
    );
    this.#socket.addEventListener("open", () => {
      this.#opened = true;
      this.#heartbeat.start();
    });
    this.#socket.addEventListener("close", () => {
      if (!this.#opened) this.#session.invalidate();
      this.#opened = false;
      this.#heartbeat.stop();
      this.#generation++;
      if (this.#socket.shouldReconnect) events.state("reconnecting");
    });
    events.state("connecting");
  }

  /** False when the socket is not open: the text was not sent. */
  send(text: string): boolean {
    return this.#socket.send(JSON.stringify({ type: "message", text }));
  }

  /** Leaves the room and gives the name back to anyone who wants it. */
  async release(): Promise<void> {
    this.close();
    await this.#session.release();
  }

  close(): void {
    this.#session.close();
    this.#heartbeat.stop();
    this.#generation++;
    this.#socket.close(1000, "left the room");
  }

  /** Every attempt, the first and each reconnect, first makes sure of a fresh credential. */
  async #nextUrl(): Promise<string> {
    try {
      await this.#session.ready();
    } catch (error) {
      if (error instanceof NameTaken) {
        this.events.error(error.message);
        this.events.state("taken");
        this.close();
        throw error;
      }
      this.events.error(
        `Could not sign in as ${this.user}: ${describe(error)}`,
      );
      // Refused outright: retrying would only be refused again.
      if (
        error instanceof ApiFailure &&
        error.status < 500 &&
        error.status !== 429
      )
        this.close();
      throw error;
    }
    return this.#url();
  }

  #url(): string {
    const url = new URL(
      `/api/rooms/${encodeURIComponent(this.room)}/websocket`,
      location.href,
    );
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("user", this.user);
    const after = this.#log.caughtUpTo;
    if (after !== undefined) url.searchParams.set("after", String(after));
    return url.toString();
  }

  #receive(data: unknown): void {
    if (data === "pong") {
      this.#heartbeat.pong();
      return;
    }
    if (typeof data !== "string") return;
    const frame = JSON.parse(data) as ServerFrame;
    switch (frame.type) {
      case "welcome":
        this.#presence.reset(frame.online);
        this.events.online(this.#presence.names());
        this.#add(frame.messages);
        this.events.state("live");
        this.#catchingUp = frame.messages.length >= PAGE;
        if (this.#catchingUp) void this.#catchUp(this.#generation);
        else this.#log.caughtUpTo = this.#log.maxId;
        return;
      case "message":
        this.#add([frame]);
        if (!this.#catchingUp) this.#log.caughtUpTo = this.#log.maxId;
        return;
      case "join":
        this.#presence.join(frame.user);
        this.events.online(this.#presence.names());
        return;
      case "leave":
        this.#presence.leave(frame.user);
        this.events.online(this.#presence.names());
        return;
      case "presence":
        for (const user of frame.left) this.#presence.leave(user);
        for (const user of frame.joined) this.#presence.join(user);
        this.events.online(this.#presence.names());
        return;
      case "error":
        this.events.error(frame.message);
        return;
    }
  }

  #add(messages: ChatMessage[]): void {
    const fresh = this.#log.add(messages);
    if (fresh.length > 0) this.events.messages(fresh);
  }

  /**
   * The welcome carries at most 200 missed messages; page through the rest over HTTP. Live
   * frames keep arriving meanwhile, so `caughtUpTo` only moves once the pages run out.
   */
  async #catchUp(generation: number): Promise<void> {
    try {
      for (let after = this.#log.maxId; ;) {
        const { messages } = await withRetries(() =>
          api<{ messages: ChatMessage[] }>(
            `/api/rooms/${encodeURIComponent(this.room)}/messages?after=${after}&limit=${PAGE}`,
          ),
        );
        if (generation !== this.#generation) return;
        this.#add(messages);
        if (messages.length < PAGE) break;
        after = messages.at(-1)!.id;
      }
      this.#log.caughtUpTo = this.#log.maxId;
    } catch (error) {
      this.events.error(`Could not load missed messages: ${describe(error)}`);
      if (generation === this.#generation) this.#socket.reconnect();
    } finally {
      if (generation === this.#generation) this.#catchingUp = false;
    }
  }
}
