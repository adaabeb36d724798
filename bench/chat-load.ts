import { templateProtocol, type ChatProtocol } from "./chat-protocol.ts";
import type { CpuMeter } from "./process-cpu.ts";
import { latencySummary } from "./stats.ts";

export type ChatRound = {
  /** Messages per second offered: that many clients each send one message a second. */
  rate: number;
  sent: number;
  /** Messages the room refused with an error frame (its rate limit). */
  refused: number;
  delivered: number;
  /** Frames that never arrived: every accepted message is owed to every client. */
  lost: number;
  /** Message frames received by all clients together, per second of the round. */
  deliveredPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Dev server CPU per delivered frame; null where unreadable. */
  cpuMsPerDelivery: number | null;
};

const CONNECT_BATCH = 20;
const DRAIN_TIMEOUT_MS = 15_000;

/**
 * One room with `clients` real WebSocket clients, all listening. In a round at `rate` messages
 * a second the first `rate` clients each send one message a second over their own socket, spread
 * evenly across the second: the way a busy room talks, and within the room's per-connection
 * limit (20 per 10 s). Latency runs from just before a message is sent to the moment each client
 * has it, on one clock (this process). `protocol` adapts the client to another room's frames.
 */
export class ChatLoad {
  readonly #sockets: WebSocket[] = [];
  readonly #sentAt = new Map<string, number>();
  #latencies: number[] = [];
  #refused = 0;
  #lastDeliveryAt = 0;
  #seq = 0;
  readonly #protocol: ChatProtocol;

  readonly room: string;

  private constructor(room: string, protocol: ChatProtocol) {
    this.room = room;
    this.#protocol = protocol;
  }

  static async open(
    baseUrl: string,
    room: string,
    clients: number,
    protocol = templateProtocol,
  ): Promise<ChatLoad> {
    const load = new ChatLoad(room, protocol);
    for (let first = 0; first < clients; first += CONNECT_BATCH) {
      const batch = Array.from(
        { length: Math.min(CONNECT_BATCH, clients - first) },
        (_, i) => {
          const client = `client-${first + i}`;
          return load.#connect(protocol.url(baseUrl, room, client), client);
        },
      );
      load.#sockets.push(...(await Promise.all(batch)));
    }
    return load;
  }

  async round({
    rate,
    seconds,
    cpu,
  }: {
    rate: number;
    seconds: number;
    cpu?: CpuMeter;
  }): Promise<ChatRound> {
    if (rate > this.#sockets.length) {
      throw new Error(`${rate} senders but ${this.#sockets.length} clients`);
    }
    this.#latencies = [];
    this.#sentAt.clear();
    this.#refused = 0;
    const cpuBefore = cpu?.readMs() ?? null;
    const startedAt = performance.now();
    const sends: Promise<void>[] = [];
    for (let second = 0; second < seconds; second++) {
      for (let sender = 0; sender < rate; sender++) {
        const offsetMs = (second + sender / rate) * 1000;
        sends.push(this.#sendAt(startedAt + offsetMs, sender));
      }
    }
    await Promise.all(sends);
    const sent = sends.length;
    const owed = () => (sent - this.#refused) * this.#sockets.length;
    const drainUntil = performance.now() + DRAIN_TIMEOUT_MS;
    while (this.#latencies.length < owed() && performance.now() < drainUntil)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const cpuAfter = cpu?.readMs() ?? null;
    const delivered = this.#latencies.length;
    const { p50, p99 } = latencySummary(this.#latencies);
    return {
      rate,
      sent,
      refused: this.#refused,
      delivered,
      lost: owed() - delivered,
      deliveredPerSecond:
        delivered / ((this.#lastDeliveryAt - startedAt) / 1000),
      p50Ms: p50,
      p99Ms: p99,
      cpuMsPerDelivery:
        cpuBefore === null || cpuAfter === null || delivered === 0
          ? null
          : (cpuAfter - cpuBefore) / delivered,
    };
  }

  close(): void {
    for (const ws of this.#sockets) ws.close(1000, "bench done");
  }

  async #sendAt(at: number, sender: number): Promise<void> {
    const waitMs = at - performance.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const text = `${this.room} ${++this.#seq}`;
    this.#sentAt.set(text, performance.now());
    this.#sockets[sender].send(this.#protocol.post(text));
  }

  #connect(url: string, client: string): Promise<WebSocket> {
    const { join, isRefusal, textOf } = this.#protocol;
    const ws = new WebSocket(url);
    let joined: () => void = () => {};
    ws.addEventListener("message", ({ data }) => {
      const frame = String(data);
      if (isRefusal(frame)) this.#refused++;
      if (join?.isReady(frame)) joined();
      const text = textOf(frame);
      const sentAt = text === undefined ? undefined : this.#sentAt.get(text);
      if (sentAt === undefined) return;
      this.#lastDeliveryAt = performance.now();
      this.#latencies.push(this.#lastDeliveryAt - sentAt);
    });
    return new Promise((resolve, reject) => {
      joined = () => resolve(ws);
      ws.addEventListener(
        "open",
        () => (join ? ws.send(join.hello(client)) : resolve(ws)),
        { once: true },
      );
      ws.addEventListener("error", () => reject(new Error(`${url} failed`)), {
        once: true,
      });
    });
  }
}
