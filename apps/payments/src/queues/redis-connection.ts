import type { RedisOptions } from 'bullmq';

/** ioredis options from REDIS_URL (redis:// or rediss://, optional user, password and db). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    // BullMQ workers need blocking commands to wait for as long as Redis is away.
    maxRetriesPerRequest: null,
    // Keep reconnecting, but not in a tight loop.
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  };
}
