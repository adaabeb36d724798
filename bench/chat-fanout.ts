import type { CpuMeter } from "./process-cpu.ts";
import { latencySummary } from "./stats.ts";

export type FanoutRound = {
  posts: number;
  delivered: number;
  /** Frames received by all listeners together, per second of the round. */
  deliveredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Dev server CPU per post, its 200-way broadcast included; null where unreadable. */
  cpuMsPerPost: number | null;
};

const CONNECT_BATCH = 20;
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * One room with `listeners` real WebSocket clients and one sender posting over HTTP. The sender
 * uses HTTP because the WebSocket path allows 20 messages per 10 s per connection by design;
 * `POST /api/rooms/:room/messages` runs the same store-then-broadcast code without that limit.
 * Latency runs from just before the POST leaves to the moment each listener has the frame,
 * on one clock (this process).
 */
export class FanoutRoom {
  readonly #sockets: WebSocket[] = [];
  readonly #sentAt = new Map<string, number>();
  #latencies: number[] = [];
  #lastDeliveryAt = 0;
  #seq = 0;

  readonly baseUrl: string;
  readonly room: string;

  private constructor(baseUrl: string, room: string) {
    this.baseUrl = baseUrl;
    this.room = room;
  }

  static async open(
    baseUrl: string,
    room: string,
    listeners: number,
  ): Promise<FanoutRoom> {
    const fanout = new FanoutRoom(baseUrl, room);
    for (let first = 0; first < listeners; first += CONNECT_BATCH) {
      const batch = Array.from(
        { length: Math.min(CONNECT_BATCH, listeners - first) },
        (_, i) => fanout.#connect(`listener-${first + i}`),
      );
      fanout.#sockets.push(...(await Promise.all(batch)));
    }
    return fanout;
  }

  async round({
    seconds,
    inFlight,
    cpu,
  }: {
    seconds: number;
    inFlight: number;
    cpu?: CpuMeter;
  }): Promise<FanoutRound> {
    this.#latencies = [];
    this.#sentAt.clear();
    const cpuBefore = cpu?.readMs() ?? null;
    const startedAt = performance.now();
    const endAt = startedAt + seconds * 1000;
    let posts = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < endAt) {
          await this.#post();
          posts++;
        }
      }),
    );
    const expected = posts * this.#sockets.length;
    const drainUntil = performance.now() + DRAIN_TIMEOUT_MS;
    while (this.#latencies.length < expected && performance.now() < drainUntil)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const cpuAfter = cpu?.readMs() ?? null;
    const delivered = this.#latencies.length;
    if (delivered < expected) {
      throw new Error(
        `${this.room}: ${delivered} of ${expected} frames arrived`,
      );
    }
    const { p50, p99 } = latencySummary(this.#latencies);
    return {
      posts,
      delivered,
      deliveredPerSecond:
        delivered / ((this.#lastDeliveryAt - startedAt) / 1000),
      p50Ms: p50,
      p99Ms: p99,
      cpuMsPerPost:
        cpuBefore === null || cpuAfter === null
          ? null
          : (cpuAfter - cpuBefore) / posts,
    };
  }

  close(): void {
    for (const ws of this.#sockets) ws.close(1000, "bench done");
  }

  async #post(): Promise<void> {
    const text = `bench ${++this.#seq}`;
    this.#sentAt.set(text, performance.now());
    const res = await fetch(`${this.baseUrl}/api/rooms/${this.room}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "sender", text }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`post answered ${res.status}`);
  }

  #connect(user: string): Promise<WebSocket> {
    const url = `${this.baseUrl.replace("http", "ws")}/api/rooms/${this.room}/websocket?user=${user}`;
    const ws = new WebSocket(url);
    ws.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data)) as {
        type: string;
        text?: string;
      };
      if (frame.type !== "message" || frame.text === undefined) return;
      const sentAt = this.#sentAt.get(frame.text);
      if (sentAt === undefined) return;
      this.#lastDeliveryAt = performance.now();
      this.#latencies.push(this.#lastDeliveryAt - sentAt);
    });
    return new Promise((resolve, reject) => {
      ws.addEventListener("open", () => resolve(ws), { once: true });
      ws.addEventListener("error", () => reject(new Error(`${url} failed`)), {
        once: true,
      });
    });
  }
}
