import { median } from "./stats.ts";

export type WakeResult = {
  samples: number;
  coldMs: number;
  warmMs: number;
  /** Median over counters of (first request - second request) on the same counter. */
  wakeCostMs: number;
};

export const coldCounterName = (index: number) => `bench-cold-${index}`;

/** Writes each counter once, so that after a restart each one exists only on disk. */
export async function seedCounters(baseUrl: string, count: number) {
  for (let index = 0; index < count; index++) {
    const res = await fetch(
      `${baseUrl}/api/counters/${coldCounterName(index)}/increment`,
      { method: "POST" },
    );
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`seed answered ${res.status}`);
  }
}

/**
 * Run right after a restart of `wrangler dev` on the same state: no object is in memory, the
 * Worker is (startDev waited for /api/health). One throwaway counter first warms the code
 * paths, so what remains is the object's own wake: instance creation, the constructor with its
 * schema check, SQLite opened from disk. Each counter is read twice in a row: cold, then warm.
 * The targets are interleaved counter by counter so both see the same machine.
 */
export async function measureWakes(
  baseUrls: Record<string, string>,
  count: number,
): Promise<Record<string, WakeResult>> {
  const cold: Record<string, number[]> = {};
  const warm: Record<string, number[]> = {};
  for (const [name, baseUrl] of Object.entries(baseUrls)) {
    await timedGet(baseUrl, "bench-cold-warmup");
    await timedGet(baseUrl, "bench-cold-warmup");
    cold[name] = [];
    warm[name] = [];
  }
  for (let index = 0; index < count; index++) {
    for (const [name, baseUrl] of Object.entries(baseUrls)) {
      cold[name].push(await timedGet(baseUrl, coldCounterName(index)));
      warm[name].push(await timedGet(baseUrl, coldCounterName(index)));
    }
  }
  return Object.fromEntries(
    Object.keys(baseUrls).map((name) => {
      const c = cold[name];
      const w = warm[name];
      return [
        name,
        {
          samples: c.length,
          coldMs: median(c),
          warmMs: median(w),
          wakeCostMs: median(c.map((ms, i) => ms - w[i])),
        },
      ];
    }),
  );
}

async function timedGet(baseUrl: string, counter: string): Promise<number> {
  const startedAt = performance.now();
  const res = await fetch(`${baseUrl}/api/counters/${counter}`);
  await res.arrayBuffer();
  const elapsed = performance.now() - startedAt;
  if (!res.ok) throw new Error(`GET ${counter} answered ${res.status}`);
  return elapsed;
}
