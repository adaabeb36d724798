export type StormResult = {
  clients: number;
  /** From the first socket opened to the last `welcome` received. */
  allWelcomedMs: number;
  p50WelcomeMs: number;
  /** Every frame all clients received until the room went quiet: the storm's total work. */
  frames: number;
  /** Whether every client's online list, built from its frames, ended equal to the room's. */
  presenceExact: boolean;
};

const QUIET_MS = 1_000;
const TIMEOUT_MS = 180_000;
const CLOSE_TIMEOUT_MS = 180_000;

type Frame = {
  type: string;
  user?: string;
  online?: string[];
  joined?: string[];
  left?: string[];
};

/**
 * A reconnect storm, as after a deploy: `clients` sockets opened to one empty room at the same
 * moment. Each client builds its online list the way the page does (the `welcome` roster, then
 * `join`, `leave` and coalesced `presence` frames); once the room has been quiet for a second,
 * every list must hold every client.
 */
export async function storm(
  baseUrl: string,
  room: string,
  clients: number,
  /** Added to each upgrade's query, after `user`. */
  query = "",
): Promise<StormResult> {
  const url = `${baseUrl.replace("http", "ws")}/api/rooms/${room}/websocket`;
  const startedAt = performance.now();
  const welcomedAt: number[] = [];
  const lists: string[][] = [];
  let frames = 0;
  let lastFrameAt = startedAt;
  const sockets = Array.from({ length: clients }, (_, i) => {
    const ws = new WebSocket(`${url}?user=storm-${i}${query}`);
    ws.addEventListener("message", ({ data }) => {
      frames++;
      lastFrameAt = performance.now();
      const frame = JSON.parse(String(data)) as Frame;
      if (frame.type === "welcome") {
        welcomedAt.push(lastFrameAt - startedAt);
        lists[i] = [...(frame.online ?? [])];
      } else {
        applyPresence((lists[i] ??= []), frame);
      }
    });
    return ws;
  });
  try {
    const giveUpAt = startedAt + TIMEOUT_MS;
    while (
      welcomedAt.length < clients ||
      performance.now() - lastFrameAt < QUIET_MS
    ) {
      if (performance.now() > giveUpAt) {
        throw new Error(
          `${room}: ${welcomedAt.length} of ${clients} welcomed in ${TIMEOUT_MS / 1000} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const everyone = sockets.map((_, i) => `storm-${i}`).sort();
    const sorted = [...welcomedAt].sort((a, b) => a - b);
    return {
      clients,
      allWelcomedMs: sorted.at(-1)!,
      p50WelcomeMs: sorted[Math.floor(sorted.length / 2)],
      frames,
      presenceExact: lists.every(
        (list) => list.sort().join() === everyone.join(),
      ),
    };
  } finally {
    await closeAll(sockets);
  }
}

/** Applies `join`, `leave` and `presence` frames to an online list; a user on two tabs counts twice. */
function applyPresence(list: string[], frame: Frame): void {
  const remove = (user: string) => {
    const at = list.indexOf(user);
    if (at !== -1) list.splice(at, 1);
  };
  if (frame.type === "join" && frame.user) list.push(frame.user);
  if (frame.type === "leave" && frame.user) remove(frame.user);
  if (frame.type === "presence") {
    for (const user of frame.left ?? []) remove(user);
    list.push(...(frame.joined ?? []));
  }
}

/**
 * Closes every socket and waits for the room's answers, so the next storm starts on a quiet
 * server. A room that announces every leave sends ~N²/2 frames while its sockets close (about as
 * long as its join storm), hence the generous bound.
 */
async function closeAll(sockets: WebSocket[]): Promise<void> {
  const closed = sockets.map(
    (ws) =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.addEventListener("close", () => resolve(), { once: true });
        ws.close(1000, "storm over");
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
  });
  await Promise.race([Promise.all(closed), giveUp]);
  clearTimeout(timer);
}
