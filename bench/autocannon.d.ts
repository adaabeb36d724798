// The part of autocannon's programmatic API the runner uses (the package ships no types).
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  export type Options = {
    url: string;
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    timeout?: number;
  };

  export type Result = {
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  };

  export type Instance = EventEmitter &
    PromiseLike<Result> & {
      on(
        event: "response",
        listener: (
          client: unknown,
          statusCode: number,
          bytes: number,
          /** Milliseconds, from process.hrtime: sub-millisecond precision. */
          responseTimeMs: number,
        ) => void,
      ): Instance;
    };

  export default function autocannon(options: Options): Instance;
}
