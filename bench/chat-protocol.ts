/**
 * What the chat load client needs to know about a room's wire protocol: where to connect, what
 * to say first, how to post, and which frames are deliveries or refusals. The template's room
 * and workers-chat-demo's differ only in these.
 */
export type ChatProtocol = {
  url: (baseUrl: string, room: string, client: string) => string;
  /** A room that counts a client as joined only after a first frame: that frame, and its answer. */
  join?: {
    hello: (client: string) => string;
    isReady: (frame: string) => boolean;
  };
  post: (text: string) => string;
  /** The posted text when `frame` delivers a message, else undefined. */
  textOf: (frame: string) => string | undefined;
  isRefusal: (frame: string) => boolean;
};

const wsUrl = (baseUrl: string) => baseUrl.replace("http", "ws");

/** This template's room and the baseline's (docs/chat-protocol.md). */
export const templateProtocol: ChatProtocol = {
  url: (baseUrl, room, client) =>
    `${wsUrl(baseUrl)}/api/rooms/${room}/websocket?user=${client}`,
  post: (text) => JSON.stringify({ type: "message", text }),
  textOf: (frame) =>
    frame.startsWith('{"type":"message"')
      ? (JSON.parse(frame) as { text: string }).text
      : undefined,
  isRefusal: (frame) => frame.startsWith('{"type":"error"'),
};

/**
 * cloudflare/workers-chat-demo: a `{"name"}` frame first, answered by the backlog, then
 * `{"ready":true}`; messages go out as `{"name","message","timestamp"}`, joins and quits as
 * `{"joined"}` / `{"quit"}`, and its limiter refuses with `{"error"}`.
 */
export const peerProtocol: ChatProtocol = {
  url: (baseUrl, room) => `${wsUrl(baseUrl)}/api/room/${room}/websocket`,
  join: {
    hello: (client) => JSON.stringify({ name: client }),
    isReady: (frame) => frame === '{"ready":true}',
  },
  post: (text) => JSON.stringify({ message: text }),
  textOf: (frame) =>
    frame.startsWith('{"name":')
      ? (JSON.parse(frame) as { message: string }).message
      : undefined,
  isRefusal: (frame) => frame.startsWith('{"error":'),
};
