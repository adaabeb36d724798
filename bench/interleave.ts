/** Runs `measure` on every target once per round, reversing the order every other round. */
export async function interleave<Target, T>(
  targets: readonly Target[],
  rounds: number,
  measure: (target: Target, round: number) => Promise<T>,
): Promise<Map<Target, T[]>> {
  const results = new Map<Target, T[]>(targets.map((t) => [t, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order)
      results.get(target)!.push(await measure(target, round));
  }
  return results;
}
