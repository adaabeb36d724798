import { DurableObject } from "cloudflare:workers";

type Attachment = { user: string; quiet?: true };

/**
 * The yardstick room: the work workers-chat-demo does (accept, store every message, broadcast
 * it to everyone, announce joins and leaves, a roster and recent history for a newcomer) done
 * the fastest way we know on the same Hibernation API. No validation, limits or retention.
 *
 * - Broadcasts walk an in-memory map of open sockets, rebuilt from attachments on every wake,
 *   instead of asking the runtime for `getWebSockets()` and each socket's `readyState`.
 * - The next message id lives in a field, read once per wake, so storing a message is one
 *   INSERT with no RETURNING and no read.
 * - Each frame is serialized once and sent as the same string to every socket.
 * - Every join is broadcast to everyone already there, as workers-chat-demo does: the
 *   quadratic reconnect storm the bench compares the template's coalesced presence against.
 *   With `?quiet` on the upgrade that socket's join and leave are announced to no one, which
 *   leaves what a storm costs on the path from client to room alone (the bench's floor).
 */
export class BaselineRoom extends DurableObject<unknown> {
  readonly #users = new Map<WebSocket, string>();
  #nextId: number;

  // Reads no bindings, so it names no Env and imports nothing from the Worker that binds it.
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, user TEXT, text TEXT, at INTEGER)",
    );
    const { last } = ctx.storage.sql
      .exec<{ last: number | null }>("SELECT max(id) AS last FROM messages")
      .one();
    this.#nextId = (last ?? 0) + 1;
    ctx.setWebSocketAutoResponse(
      new WebSocketRequestResponsePair("ping", "pong"),
    );
    for (const ws of ctx.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as Attachment | null;
      if (attachment) this.#users.set(ws, attachment.user);
    }
  }

  override fetch(request: Request): Response {
    const query = new URL(request.url).searchParams;
    const user = query.get("user") ?? "anonymous";
    // `?quiet` announces neither the join nor the leave: the reconnect storm's floor, a
    // diagnostic of the bench.
    const quiet = query.has("quiet");
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({
      user,
      ...(quiet ? { quiet } : {}),
    } satisfies Attachment);
    const messages = this.ctx.storage.sql
      .exec("SELECT id, user, text, at FROM messages ORDER BY id DESC LIMIT 50")
      .toArray()
      .reverse();
    const online = [...this.#users.values(), user];
    server.send(JSON.stringify({ type: "welcome", user, online, messages }));
    if (!quiet) this.#broadcast(JSON.stringify({ type: "join", user }));
    this.#users.set(server, user);
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer) {
    const user = this.#users.get(ws);
    if (user === undefined || typeof data !== "string") return;
    const { text } = JSON.parse(data) as { text: string };
    const id = this.#nextId++;
    const at = Date.now();
    this.ctx.storage.sql.exec(
      "INSERT INTO messages (id, user, text, at) VALUES (?, ?, ?, ?)",
      id,
      user,
      text,
      at,
    );
    this.#broadcast(JSON.stringify({ type: "message", id, user, text, at }));
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string) {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    this.#leave(ws);
  }

  override webSocketError(ws: WebSocket) {
    this.#leave(ws);
  }

  #leave(ws: WebSocket) {
    const user = this.#users.get(ws);
    if (user === undefined) return;
    this.#users.delete(ws);
    const { quiet } = ws.deserializeAttachment() as Attachment;
    if (!quiet) this.#broadcast(JSON.stringify({ type: "leave", user }));
  }

  #broadcast(frame: string) {
    for (const [ws] of this.#users) {
      try {
        ws.send(frame);
      } catch {
        this.#users.delete(ws);
      }
    }
  }
}
