import { DurableObject } from "cloudflare:workers";
import type { BaselineEnv } from "./index";

/**
 * A bare broadcast room on the same Hibernation API the template uses: accept, then send each
 * post to every socket. No history, presence, validation or limits. The id lives in a field
 * only because nothing here needs to survive a sleep.
 */
export class BaselineRoom extends DurableObject<BaselineEnv> {
  #nextId = 1;

  override fetch(): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }

  post(user: string, text: string) {
    const message = { id: this.#nextId++, user, text, at: Date.now() };
    const frame = JSON.stringify({ type: "message", ...message });
    for (const ws of this.ctx.getWebSockets()) ws.send(frame);
    return message;
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string) {
    ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
  }
}
