import autocannon from "autocannon";
import type { CpuMeter } from "./process-cpu.ts";
import { latencySummary } from "./stats.ts";

export type HttpRequestSpec = {
  path: string;
  method?: "GET" | "POST";
  body?: unknown;
};

export type HttpRound = {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The dev server's CPU time per answered request; null where it cannot be read. */
  cpuMsPerRequest: number | null;
  ok: number;
};

/**
 * One bounded closed-loop load: `connections` clients each send the next request as soon as the
 * previous answers, for `seconds`. Latency comes from each response's own hrtime duration
 * (autocannon's histogram keeps whole milliseconds only). Any non-2xx answer or socket error
 * fails the round: a benchmark of error responses measures nothing.
 */
export async function httpRound(
  baseUrl: string,
  { path, method = "GET", body }: HttpRequestSpec,
  {
    connections,
    seconds,
    cpu,
  }: { connections: number; seconds: number; cpu?: CpuMeter },
): Promise<HttpRound> {
  const latencies: number[] = [];
  const cpuBefore = cpu?.readMs() ?? null;
  const startedAt = performance.now();
  const instance = autocannon({
    url: `${baseUrl}${path}`,
    method,
    connections,
    duration: seconds,
    timeout: 10,
    ...(body === undefined
      ? {}
      : {
          body: JSON.stringify(body),
          headers: { "content-type": "application/json" },
        }),
  });
  instance.on("response", (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
  });
  const result = await instance;
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const cpuAfter = cpu?.readMs() ?? null;
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) {
    throw new Error(
      `${method} ${path}: ${failed} failed requests ${JSON.stringify(result.statusCodeStats)}`,
    );
  }
  const { p50, p99 } = latencySummary(latencies);
  return {
    requestsPerSecond: latencies.length / elapsedSeconds,
    p50Ms: p50,
    p99Ms: p99,
    cpuMsPerRequest:
      cpuBefore === null || cpuAfter === null
        ? null
        : (cpuAfter - cpuBefore) / latencies.length,
    ok: latencies.length,
  };
}
