import { adminApi } from "./admin-token";
import { api, postJson } from "./api";

type Mode = "open" | "verified";

let mode: Promise<Mode> | undefined;

/** Whether this deployment needs a credential to chat: asked once per page, again after a failure. */
function identityMode(): Promise<Mode> {
  mode ??= api<{ mode: Mode }>("/api/identity").then(
    (body) => body.mode,
    (error: unknown) => {
      mode = undefined;
      throw error;
    },
  );
  return mode;
}

/** Renew this long before expiry, so a reconnect never waits for a credential. */
const RENEW_BEFORE_MS = 2 * 60_000;
/** The server's lifetime; a local clock that disagrees with the server's cannot stretch it. */
const MAX_LIFETIME_MS = 15 * 60_000;

/**
 * A session credential for one user name, kept fresh in the background. The credential is the
 * HttpOnly cookie the mint route sets, which the browser sends with the WebSocket handshake (a
 * page cannot set headers on one); the page itself only tracks when to renew it. In open mode
 * (`npm run dev`) there is nothing to do. Where minting needs the admin token, `adminApi` asks.
 */
export class ChatSession {
  #renewAt = 0;
  #renewing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(readonly user: string) {}

  /** Resolves once a connection attempt may start: with a credential that is not about to expire. */
  async ready(): Promise<void> {
    if ((await identityMode()) === "open") return;
    if (Date.now() < this.#renewAt) return;
    this.#renewing ??= this.#renew().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  /** After a refused handshake: the credential may be gone (a rotated secret, a cleared cookie). */
  invalidate(): void {
    this.#renewAt = 0;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  async #renew(): Promise<void> {
    const { expiresAt } = await adminApi<{ expiresAt: number }>(
      "/api/sessions",
      postJson({ user: this.user }),
    );
    const lifetimeMs = Math.min(
      Math.max(expiresAt - Date.now(), 2 * RENEW_BEFORE_MS),
      MAX_LIFETIME_MS,
    );
    this.#renewAt = Date.now() + lifetimeMs - RENEW_BEFORE_MS;
    clearTimeout(this.#timer);
    if (this.#closed) return;
    // A failed background renewal is retried by the next connection attempt's ready().
    this.#timer = setTimeout(
      () => void this.ready().catch(() => undefined),
      this.#renewAt - Date.now(),
    );
  }
}
