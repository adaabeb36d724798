import { api, ApiFailure, postJson } from "./api";

type Mode = "open" | "verified" | "access";

let mode: Promise<Mode> | undefined;

/** How this deployment knows who a chatter is: asked once per page, again after a failure. */
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

type Claimed = {
  user: string;
  expiresAt: number;
  hold: { secret: string; expiresAt: number };
};

/**
 * What proves this browser holds a name, kept in localStorage so a reload or a second tab keeps
 * the name. One entry per name, by a rough key (the server decides what counts as one name).
 */
const holdStorageKey = (user: string) =>
  `hold:${user.normalize("NFKC").trim().toLowerCase()}`;

/** The name is held by someone else: retrying will not help. */
export class NameTaken extends Error {}

/**
 * A claimed name and its session credential, kept fresh in the background. In verified mode
 * the page claims the typed name (POST /api/sessions, no admin token), keeps the hold secret in
 * localStorage and renews hold and credential together before the credential expires. The
 * credential is the HttpOnly cookie the claim sets, which the browser sends with the WebSocket
 * handshake (a page cannot set headers on one). Open mode (`npm run dev`) and Access mode
 * (Cloudflare Access names the person) need nothing from the page.
 */
export class ChatSession {
  #renewAt = 0;
  #renewing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(readonly user: string) {}

  /** Resolves once a connection attempt may start: with a credential that is not about to expire. */
  async ready(): Promise<void> {
    if ((await identityMode()) !== "verified") return;
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

  /** Gives the name back: it is free for anyone at once, and this browser forgets its secret. */
  async release(): Promise<void> {
    this.close();
    const secret = localStorage.getItem(holdStorageKey(this.user));
    if (secret === null) return;
    await api(`/api/sessions/${encodeURIComponent(this.user)}`, {
      method: "DELETE",
      headers: { Authorization: `Hold ${secret}` },
    });
    localStorage.removeItem(holdStorageKey(this.user));
  }

  async #renew(): Promise<void> {
    const key = holdStorageKey(this.user);
    const secret = localStorage.getItem(key);
    let claimed: Claimed;
    try {
      claimed = await api<Claimed>(
        "/api/sessions",
        postJson({ user: this.user, ...(secret ? { hold: secret } : {}) }),
      );
    } catch (error) {
      if (error instanceof ApiFailure && error.code === "name_taken") {
        throw new NameTaken(
          `The name “${this.user}” is taken: someone else is using it (or one that looks just like it). Pick another name.`,
        );
      }
      throw error;
    }
    localStorage.setItem(key, claimed.hold.secret);
    const lifetimeMs = Math.min(
      Math.max(claimed.expiresAt - Date.now(), 2 * RENEW_BEFORE_MS),
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
