/** What one request records for its log line. */
export type RequestStats = { objectCalls: number; retries: number };

/** The Hono environment every sub-app and middleware shares: bindings and per-request values. */
export type AppEnv = {
  Bindings: Env;
  Variables: { requestId: string; stats: RequestStats };
};
