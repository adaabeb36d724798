import type { ChatMessage } from "../src/chat/protocol";

/**
 * The messages of one room, by id. History, catch-up pages and live frames overlap after a
 * reconnect; keying by id is what keeps each message on screen once.
 */
export class MessageLog {
  #byId = new Map<number, ChatMessage>();
  #maxId: number | undefined;
  /**
   * Every message up to this id is known: what a reconnect asks for with `after`. Undefined until
   * the first welcome, which then sends the recent history instead.
   */
  caughtUpTo: number | undefined;

  /** Adds what is new and returns it, oldest first. */
  add(messages: readonly ChatMessage[]): ChatMessage[] {
    const fresh = messages.filter((message) => !this.#byId.has(message.id));
    for (const message of fresh) {
      this.#byId.set(message.id, message);
      this.#maxId = Math.max(this.#maxId ?? message.id, message.id);
    }
    return fresh.sort((a, b) => a.id - b.id);
  }

  /** The newest id known, or 0 for a room that had no messages: `after=0` then means "all". */
  get maxId(): number {
    return this.#maxId ?? 0;
  }
}
