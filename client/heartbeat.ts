/**
 * Sends the literal `ping` frame, which the runtime answers `pong` without waking the room
 * object, and gives up on the socket when no answer comes: a half-open connection (a laptop
 * waking up, a dropped Wi-Fi) otherwise looks alive for minutes.
 */
export class Heartbeat {
  #interval: ReturnType<typeof setInterval> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ping: () => boolean,
    private readonly onSilence: () => void,
    private readonly everyMs = 25_000,
    private readonly timeoutMs = 10_000,
  ) {}

  start(): void {
    this.stop();
    this.#interval = setInterval(() => {
      if (this.#deadline === undefined && this.ping())
        this.#deadline = setTimeout(this.onSilence, this.timeoutMs);
    }, this.everyMs);
  }

  pong(): void {
    clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  stop(): void {
    clearInterval(this.#interval);
    this.pong();
  }
}
