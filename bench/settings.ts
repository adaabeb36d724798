/** A number setting from the environment (`BENCH_ROUNDS=3 npm run bench`), else `fallback`. */
export const envNumber = (name: string, fallback: number): number =>
  Number(process.env[name] ?? fallback);
