import { Worker } from "node:worker_threads";

/**
 * One core kept busy by another thread for as long as `work` runs: the state of a shared
 * machine, where the server, the load generator and something else compete for the CPU.
 */
export async function withBusyCore<T>(work: () => Promise<T>): Promise<T> {
  const hog = new Worker("for (;;) {}", { eval: true });
  try {
    return await work();
  } finally {
    await hog.terminate();
  }
}
