import { exports } from "cloudflare:workers";
import { beforeAll, describe, it } from "vitest";
import { PresenceBatcher } from "../../src/chat/presence";
import { ChatClient, loadWorker, roomName } from "../helpers/chat-client";

beforeAll(loadWorker, 60_000);

/** Both ends of a real socket pair: the room sends on `server`, the test reads `client`. */
function socketPair() {
  const { 0: client, 1: server } = new WebSocketPair();
  const frames: string[] = [];
  let wake: (() => void) | null = null;
  client.addEventListener("message", (event) => {
    frames.push(event.data as string);
    wake?.();
  });
  client.accept();
  server.accept();
  /** Every frame up to the marker, which the test sends last on the same ordered socket. */
  const framesUntil = async (marker: string) => {
    server.send(marker);
    while (!frames.includes(marker)) {
      await new Promise<void>((resolve) => (wake = resolve));
    }
    return frames
      .splice(0)
      .slice(0, -1)
      .map((f) => JSON.parse(f) as unknown);
  };
  return { server, framesUntil };
}

describe("presence in bursts", () => {
  it("sends a lone join at once and gathers the next ones into one net frame per socket", async ({
    expect,
  }) => {
    const [ada, grace, linus, temp] = [1, 2, 3, 4].map(socketPair);
    const open = [ada!, grace!, linus!, temp!].map((s) => s.server);
    const sockets = new Set<WebSocket>();
    const batcher = new PresenceBatcher(() => sockets);
    try {
      sockets.add(open[0]!);
      batcher.joined(open[0]!, "ada");
      sockets.add(open[1]!);
      batcher.joined(open[1]!, "grace");
      sockets.add(open[2]!);
      batcher.joined(open[2]!, "linus");
      sockets.add(open[3]!);
      batcher.joined(open[3]!, "temp");
      sockets.delete(open[3]!);
      batcher.left("temp");
      batcher.flush();

      expect(await ada!.framesUntil("end")).toEqual([
        { type: "presence", joined: ["grace", "linus"], left: [] },
      ]);
      // Each newcomer hears only what happened after its own welcome.
      expect(await grace!.framesUntil("end")).toEqual([
        { type: "join", user: "linus" },
      ]);
      expect(await linus!.framesUntil("end")).toEqual([]);
    } finally {
      batcher.clear();
    }
  });

  it("leaves every client's online list equal to the room's after a burst of joins and leaves", async ({
    expect,
  }) => {
    const room = roomName();
    const names = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    const clients = await Promise.all(
      names.map(
        async (name) => (await ChatClient.join(expect, room, name)).client,
      ),
    );
    const leaving = clients.splice(0, 10);
    for (const client of leaving) client.ws.close(1000, "bye");
    const staying = names.slice(10);

    await Promise.all(clients.map((client) => client.settleOnline(staying)));
    const res = await exports.default.fetch(
      `https://example.com/api/rooms/${room}`,
    );
    expect(await res.json()).toEqual({ room, online: staying.length });
  });
});
