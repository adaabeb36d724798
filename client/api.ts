import type { ErrorBody } from "../src/shared/error-body";

/** A failed API call, shaped like the server's `{"error": {"code", "message"}}` body. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** fetch + JSON, turning every failure (network included, as status 0) into an ApiFailure. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiFailure(
      0,
      "network_error",
      "The server could not be reached.",
    );
  }
  if (res.status === 204) return undefined as T;
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return body as T;
  const error = (body as Partial<ErrorBody> | null)?.error;
  const retryAfterS = Number(res.headers.get("Retry-After"));
  throw new ApiFailure(
    res.status,
    error?.code ?? "http_error",
    error?.message ?? `The server answered ${res.status}.`,
    retryAfterS > 0 ? retryAfterS * 1000 : undefined,
  );
}

export function postJson(
  value: unknown,
  headers: HeadersInit = {},
): RequestInit {
  const all = new Headers(headers);
  all.set("Content-Type", "application/json");
  return { method: "POST", headers: all, body: JSON.stringify(value) };
}

/** Only worth retrying when nothing can have gone wrong twice: see `Idempotency-Key`. */
export function isRetryable(error: unknown): error is ApiFailure {
  return (
    error instanceof ApiFailure &&
    (error.status === 0 || error.status === 429 || error.status === 503)
  );
}

export function describe(error: unknown): string {
  if (error instanceof ApiFailure) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Retries only failures that say "try again" (network, 429, 503), with exponential backoff and
 * jitter, honouring `Retry-After`. Callers make the request idempotent first.
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      const backoffMs = 250 * 2 ** (attempt - 1) * (0.5 + Math.random());
      await new Promise((resolve) =>
        setTimeout(resolve, error.retryAfterMs ?? backoffMs),
      );
    }
  }
}

/** `crypto.randomUUID` needs a secure context; a dev server opened over a LAN address is not one. */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
