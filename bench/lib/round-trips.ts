import Redis from 'ioredis';
import type { BenchDatabase } from './service-process';

export interface RoundTrips {
  /** Committed and rolled-back transactions in the benchmark's database. */
  databaseTransactions: number;
  /**
   * Deadlocks PostgreSQL broke there: grouped statements update several rows each, and a group
   * it aborts is written again item by item; this says whether that happened.
   */
  databaseDeadlocks: number;
  /** Lua scripts Redis ran: nearly every BullMQ operation is one script call, one round trip. */
  redisScripts: number;
  /** Commands Redis ran, those inside the scripts included: Redis's share of the work. */
  redisCommands: number;
}

const SCRIPT_COMMANDS = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** Calls per command from INFO commandstats (`cmdstat_get:calls=3,usec=...`). */
function commandCalls(info: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1], Number(m[2]));
  return calls;
}

/**
 * PostgreSQL transactions and Redis commands between start and stop. Unlike throughput and CPU
 * time, these do not drift with the machine's load: per payment or per refund they show what a
 * change removed from the hot path. PostgreSQL publishes a backend's counts up to a second after
 * its transactions, hence the wait before reading.
 */
export async function roundTripMeter(
  db: BenchDatabase,
  redisUrl: string,
): Promise<() => Promise<RoundTrips>> {
  const read = async (): Promise<RoundTrips> => {
    const [{ transactions, deadlocks }] = await db.query<{
      transactions: string;
      deadlocks: string;
    }>(
      `SELECT xact_commit + xact_rollback AS transactions, deadlocks FROM pg_stat_database
        WHERE datname = current_database()`,
    );
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    try {
      const calls = commandCalls(await redis.info('commandstats'));
      let redisScripts = 0;
      let redisCommands = 0;
      for (const [command, n] of calls) {
        redisCommands += n;
        if (SCRIPT_COMMANDS.has(command)) redisScripts += n;
      }
      return {
        databaseTransactions: Number(transactions),
        databaseDeadlocks: Number(deadlocks),
        redisScripts,
        redisCommands,
      };
    } finally {
      redis.disconnect();
    }
  };
  const settle = () => new Promise((r) => setTimeout(r, 2_000));
  await settle();
  const before = await read();
  return async () => {
    await settle();
    const after = await read();
    return {
      databaseTransactions: after.databaseTransactions - before.databaseTransactions,
      databaseDeadlocks: after.databaseDeadlocks - before.databaseDeadlocks,
      redisScripts: after.redisScripts - before.redisScripts,
      redisCommands: after.redisCommands - before.redisCommands,
    };
  };
}

/** Round trips per operation, rounded for the report. */
export function perOperation(trips: RoundTrips, operations: number) {
  const per = (n: number) => Math.round((n / Math.max(1, operations)) * 100) / 100;
  return {
    databaseTransactions: per(trips.databaseTransactions),
    // A count for the whole window, not per operation.
    databaseDeadlocksInWindow: trips.databaseDeadlocks,
    redisScripts: per(trips.redisScripts),
    redisCommands: per(trips.redisCommands),
  };
}
