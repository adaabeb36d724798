const DEFAULT_SHARDS = 8;
/** A read calls every shard, and one request may make at most 1 000 subrequests. */
const MAX_SHARDS = 512;

/** The configured shard count. It may grow but never shrink: reads only sum shards below it. */
export function shardCount(env: Env): number {
  const count = Number(env.SHARD_COUNT);
  return Number.isInteger(count) && count >= 1 && count <= MAX_SHARDS
    ? count
    : DEFAULT_SHARDS;
}

/** The object name of one shard. `:` cannot occur in a counter name, so no collision is possible. */
export function shardName(counter: string, index: number): string {
  return `${counter}:shard:${index}`;
}

/** A retried write with the same idempotency key must land on the same shard to be deduplicated. */
export function pickShard(count: number, idempotencyKey?: string): number {
  if (idempotencyKey === undefined) return Math.floor(Math.random() * count);
  let hash = 2166136261;
  for (let i = 0; i < idempotencyKey.length; i++) {
    hash = Math.imul(hash ^ idempotencyKey.charCodeAt(i), 16777619);
  }
  return (hash >>> 0) % count;
}
