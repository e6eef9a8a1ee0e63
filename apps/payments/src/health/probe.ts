import { setTimeout as sleep } from 'node:timers/promises';
import { plainReason } from '../common/dependency-watch';
import { HEALTH_CHECK_TIMEOUT_MS } from './health.constants';

class NoAnswer extends Error {}

/** A probe that failed: `reason` in plain words, the message naming the dependency too. */
export class ProbeFailure extends Error {
  constructor(
    dependency: string,
    readonly reason: string,
  ) {
    super(`${dependency}: ${reason}`);
  }
}

/**
 * Runs one readiness probe of `dependency`: resolves when it answers in time; otherwise throws
 * what an operator reads in /health/ready, in plain words ("Redis: connection refused",
 * "PostgreSQL: no answer within 2 s").
 */
export async function probe(dependency: string, check: () => Promise<unknown>): Promise<void> {
  const timeout = new AbortController();
  try {
    await Promise.race([
      check(),
      sleep(HEALTH_CHECK_TIMEOUT_MS, undefined, { signal: timeout.signal }).then(() => {
        throw new NoAnswer();
      }),
    ]);
  } catch (err) {
    throw new ProbeFailure(
      dependency,
      err instanceof NoAnswer
        ? `no answer within ${HEALTH_CHECK_TIMEOUT_MS / 1000} s`
        : plainReason(err),
    );
  } finally {
    timeout.abort();
  }
}
