import type { ServerFrame } from "./protocol";

/** A socket that closed since the list was read cannot take a frame; its close is handled elsewhere. */
export function sendQuietly(ws: WebSocket, frame: string): void {
  try {
    ws.send(frame);
  } catch {
    // The runtime throws on a socket that is closing or closed.
  }
}

/** One frame to a socket just accepted or just heard from; unlike sendQuietly, it throws if closed. */
export function send(ws: WebSocket, frame: ServerFrame): void {
  ws.send(JSON.stringify(frame));
}
