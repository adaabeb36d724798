const DEFAULT_SHARDS = 8;
/**
 * A consistent read and the aggregate's sweep call every shard: N billed object requests, as slow
 * as the slowest shard. The cap bounds that cost; it is far below the subrequest limit (10,000 by
 * default on Workers Paid, https://developers.cloudflare.com/workers/platform/limits/).
 */
const MAX_SHARDS = 512;

/**
 * The configured shard count. It may grow but never shrink: reads only sum shards below it. A
 * malformed value is a deploy mistake, refused loudly: falling back to a smaller default would
 * silently hide what the higher shards hold.
 */
export function shardCount(env: Env): number {
  if (!env.SHARD_COUNT) return DEFAULT_SHARDS;
  const count = Number(env.SHARD_COUNT);
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new Error(
      `SHARD_COUNT must be an integer from 1 to ${MAX_SHARDS}, not "${env.SHARD_COUNT}"`,
    );
  }
  return count;
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
