import Redis from 'ioredis';

/** Deletes every key under `prefix:` (a BullMQ prefix): what a test or benchmark run wrote. */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  // No reconnecting: a Redis that is gone fails this at once instead of holding it.
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
