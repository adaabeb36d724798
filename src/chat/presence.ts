import type { ServerFrame } from "./protocol";
import { sendQuietly } from "./send";

/** After a presence frame goes out, how long further joins and leaves gather into the next one. */
const PRESENCE_WINDOW_MS = 100;

type Change = { seq: number; user: string; delta: 1 | -1 };

/**
 * Joins and leaves, told to the room in as few frames as stay exact. A lone change goes out at
 * once as `join` or `leave`, then a window opens: what arrives within it goes out together when
 * it closes, as one `presence` frame with the net change. A reconnect storm of N clients then
 * costs about N frames per window instead of N² in all.
 *
 * A socket welcomed during a window already counts the changes before its welcome in its
 * `online` list, so it is sent only the later ones. The window is a timer, which keeps the
 * object in memory until it closes (a pending setTimeout blocks hibernation), so nothing
 * gathered here can be lost to a hibernation; once the burst is over no timer is left.
 */
export class PresenceBatcher {
  readonly #sockets: () => Iterable<WebSocket>;
  #seq = 0;
  #pending: Change[] = [];
  readonly #welcomedAt = new Map<WebSocket, number>();
  #window: ReturnType<typeof setTimeout> | null = null;

  constructor(sockets: () => Iterable<WebSocket>) {
    this.#sockets = sockets;
  }

  /**
   * `ws` has just been welcomed with an online list that already includes `user`; `announce`
   * is false for a user's second socket, which joins nobody's list.
   */
  joined(ws: WebSocket, user: string, announce = true): void {
    if (!announce) {
      this.#welcomedAt.set(ws, this.#seq);
      return;
    }
    this.#welcomedAt.set(ws, this.#record(user, 1));
    this.#flushUnlessWindowOpen();
  }

  left(user: string): void {
    this.#record(user, -1);
    this.#flushUnlessWindowOpen();
  }

  /**
   * Sends what is gathered now, before a chat message: a client then never sees a message from
   * someone whose join it has not been told of yet. The window stays open.
   */
  flush(): void {
    if (this.#pending.length === 0) return;
    if (this.#window !== null) clearTimeout(this.#window);
    this.#flush();
  }

  /** Drops what is gathered and the window: the room is closing every socket. */
  clear(): void {
    if (this.#window !== null) clearTimeout(this.#window);
    this.#window = null;
    this.#pending = [];
    this.#welcomedAt.clear();
  }

  #record(user: string, delta: 1 | -1): number {
    this.#pending.push({ seq: ++this.#seq, user, delta });
    return this.#seq;
  }

  #flushUnlessWindowOpen(): void {
    if (this.#window === null) this.#flush();
  }

  #flush(): void {
    this.#window = null;
    const pending = this.#pending;
    this.#pending = [];
    if (pending.length > 0) {
      const frames = new Map<number, string | null>();
      for (const ws of this.#sockets()) {
        const since = this.#welcomedAt.get(ws) ?? 0;
        let frame = frames.get(since);
        if (frame === undefined) {
          frame = frameAfter(pending, since);
          frames.set(since, frame);
        }
        if (frame !== null) sendQuietly(ws, frame);
      }
      this.#window = setTimeout(() => this.#flush(), PRESENCE_WINDOW_MS);
    }
    this.#welcomedAt.clear();
  }
}

/** The net change after `since` as one frame, or null when it nets out to nothing. */
function frameAfter(changes: readonly Change[], since: number): string | null {
  const net = new Map<string, number>();
  for (const { seq, user, delta } of changes) {
    if (seq > since) net.set(user, (net.get(user) ?? 0) + delta);
  }
  const joined: string[] = [];
  const left: string[] = [];
  for (const [user, count] of net) {
    for (let i = 0; i < Math.abs(count); i++)
      (count > 0 ? joined : left).push(user);
  }
  let frame: ServerFrame;
  if (joined.length + left.length === 0) return null;
  if (joined.length + left.length > 1)
    frame = { type: "presence", joined, left };
  else if (joined.length === 1) frame = { type: "join", user: joined[0]! };
  else frame = { type: "leave", user: left[0]! };
  return JSON.stringify(frame);
}
