import { env, exports } from "cloudflare:workers";
import { listDurableObjectIds } from "cloudflare:test";
import type { ExpectStatic } from "vitest";
import type { ChatMessage as Message } from "../../src/chat/protocol";

export type Frame = { type: string } & Record<string, unknown>;
export type { ChatMessage as Message } from "../../src/chat/protocol";

const TIMEOUT_MS = 3_000;
const PRESENCE_FRAMES = new Set(["join", "leave", "presence"]);

export const roomName = () => `room-${crypto.randomUUID().slice(0, 8)}`;

export const roomStub = (room: string) => env.CHAT_ROOM.getByName(room);

/** `user` joined to a new room, past the welcome. */
export async function joinNewRoom(expect: ExpectStatic, user: string) {
  const room = roomName();
  const { client } = await ChatClient.join(expect, room, user);
  return { room, client };
}

/** Ada and Grace in a new room, Ada past the frame that announced Grace. */
export async function adaAndGrace(expect: ExpectStatic) {
  const { room, client: ada } = await joinNewRoom(expect, "ada");
  const { client: grace } = await ChatClient.join(expect, room, "grace");
  await ada.next("join");
  return { room, ada, grace };
}

/**
 * For `beforeAll(loadWorker, 60_000)`: the first request imports the Worker's modules, which
 * takes seconds on a busy machine; loading them up front keeps that out of the first test's timeout.
 */
export async function loadWorker(): Promise<void> {
  const res = await exports.default.fetch("https://example.com/api/health");
  // A hook has no test `expect`; throwing fails every test of the file the same way.
  if (res.status !== 200) throw new Error(`health answered ${res.status}`);
}

/** Whether the room's object was ever created (it writes its schema when it wakes). */
export async function roomExists(room: string): Promise<boolean> {
  const id = env.CHAT_ROOM.idFromName(room);
  const ids = await listDurableObjectIds(env.CHAT_ROOM);
  return ids.some((each) => each.equals(id));
}

/** The message ids `from` to `to`, both included. */
export const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

export function upgrade(
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return exports.default.fetch(
    new Request(`https://example.com${path}`, {
      headers: { Upgrade: "websocket", ...headers },
    }),
  );
}

/**
 * The client end of a real socket through the Worker, with frames queued for `next`. It checks
 * frames with the `expect` of the test that joined, so a failure is that test's.
 */
export class ChatClient {
  readonly #queue: Frame[] = [];
  /** Who is online as this client sees it: the welcome's list, then every presence frame. */
  online: string[] = [];
  #wake: (() => void) | null = null;
  readonly closed: Promise<CloseEvent>;

  private constructor(
    readonly ws: WebSocket,
    readonly expect: ExpectStatic,
  ) {
    ws.addEventListener("message", (event) => {
      const data = event.data as string;
      const frame =
        data === "pong" ? { type: "pong" } : (JSON.parse(data) as Frame);
      applyPresence(this.online, frame);
      this.#queue.push(frame);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) =>
      ws.addEventListener("close", resolve),
    );
    ws.accept();
  }

  static async connect(
    expect: ExpectStatic,
    room: string,
    user: string,
    {
      after,
      headers,
    }: { after?: number; headers?: Record<string, string> } = {},
  ): Promise<ChatClient> {
    const query = new URLSearchParams({ user });
    if (after !== undefined) query.set("after", String(after));
    const res = await upgrade(
      `/api/rooms/${room}/websocket?${query.toString()}`,
      headers,
    );
    expect(res.status).toBe(101);
    return new ChatClient(res.webSocket!, expect);
  }

  /** Joins like `join`, or returns the refusal when the upgrade is not a 101. */
  static async tryJoin(
    expect: ExpectStatic,
    room: string,
    user: string,
  ): Promise<ChatClient | Response> {
    const res = await upgrade(
      `/api/rooms/${room}/websocket?${new URLSearchParams({ user }).toString()}`,
    );
    if (res.status !== 101) return res;
    const client = new ChatClient(res.webSocket!, expect);
    await client.next("welcome");
    return client;
  }

  /** Connects and consumes the welcome frame. */
  static async join(
    expect: ExpectStatic,
    room: string,
    user: string,
    after?: number,
  ) {
    const client = await ChatClient.connect(expect, room, user, { after });
    const welcome = await client.next("welcome");
    return { client, welcome };
  }

  /** The next frame, which must be of `type`. */
  async next(type: string, timeoutMs = TIMEOUT_MS): Promise<Frame> {
    const frame = await this.#take(timeoutMs);
    this.expect(frame.type, JSON.stringify(frame)).toBe(type);
    return frame;
  }

  /** The next chat message, past any presence frames (join, leave, presence) before it. */
  async nextMessage(timeoutMs = TIMEOUT_MS): Promise<Frame> {
    for (;;) {
      const frame = await this.#take(timeoutMs);
      if (PRESENCE_FRAMES.has(frame.type)) continue;
      this.expect(frame.type, JSON.stringify(frame)).toBe("message");
      return frame;
    }
  }

  /** The next frame of one of `types`, past any other frames before it. */
  async nextOf(types: string[], timeoutMs = TIMEOUT_MS): Promise<Frame> {
    for (;;) {
      const frame = await this.#take(timeoutMs);
      if (types.includes(frame.type)) return frame;
    }
  }

  /** Takes presence frames until this client's online list holds exactly `users`. */
  async settleOnline(users: string[], timeoutMs = TIMEOUT_MS): Promise<void> {
    const expected = [...users].sort().join();
    for (;;) {
      while (PRESENCE_FRAMES.has(this.#queue[0]?.type ?? ""))
        this.#queue.shift();
      if ([...this.online].sort().join() === expected) return;
      const frame = await this.#take(timeoutMs);
      this.expect(PRESENCE_FRAMES.has(frame.type), JSON.stringify(frame)).toBe(
        true,
      );
    }
  }

  /**
   * Everything the room sent before now has arrived: `ping` is answered by the runtime on the
   * same ordered socket, so its `pong` comes after any earlier frame. Returns those frames.
   */
  async drain(): Promise<Frame[]> {
    this.ws.send("ping");
    const frames: Frame[] = [];
    for (;;) {
      const frame = await this.#take();
      if (frame.type === "pong") return frames;
      frames.push(frame);
    }
  }

  say(text: unknown): void {
    this.ws.send(JSON.stringify({ type: "message", text }));
  }

  async #take(timeoutMs = TIMEOUT_MS): Promise<Frame> {
    if (this.#queue.length === 0) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no frame within ${timeoutMs} ms`)),
          timeoutMs,
        );
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = null;
    }
    return this.#queue.shift()!;
  }
}

/** A user on two tabs is online twice; `presence` carries a burst's net change. */
function applyPresence(online: string[], frame: Frame): void {
  const remove = (user: string) => {
    const at = online.indexOf(user);
    if (at !== -1) online.splice(at, 1);
  };
  if (frame.type === "welcome")
    online.splice(0, online.length, ...(frame.online as string[]));
  if (frame.type === "join") online.push(frame.user as string);
  if (frame.type === "leave") remove(frame.user as string);
  if (frame.type === "presence") {
    for (const user of frame.left as string[]) remove(user);
    online.push(...(frame.joined as string[]));
  }
}

/** Resolves with the close event, or fails after the timeout. */
export function closeOf(client: ChatClient): Promise<CloseEvent> {
  return Promise.race([
    client.closed,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error("socket not closed in time")),
        TIMEOUT_MS,
      ),
    ),
  ]);
}

export async function storedMessages(
  expect: ExpectStatic,
  room: string,
): Promise<Message[]> {
  const res = await exports.default.fetch(
    `https://example.com/api/rooms/${room}/messages?limit=200`,
  );
  expect(res.status).toBe(200);
  return (await res.json<{ messages: Message[] }>()).messages;
}
