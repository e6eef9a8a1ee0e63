import { describe, expect, it } from 'vitest';
import { DependencyWatch, plainReason } from './dependency-watch';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
  code: 'ECONNREFUSED',
});

describe('DependencyWatch', () => {
  it('says an outage when it starts, once a minute while it lasts, and when it ends', () => {
    let now = 0;
    const watch = new DependencyWatch('Redis', 60_000, () => now);
    const said: string[] = [];
    type Say = (fields: unknown, msg: string) => void;
    (watch as unknown as { logger: { warn: Say; log: Say } }).logger = {
      warn: (_f: unknown, msg: string) => said.push(msg),
      log: (_f: unknown, msg: string) => said.push(msg),
    };
    for (; now < 150_000; now += 200) watch.failed(refused);
    expect(watch.down).toBe(true);
    expect(watch.reason).toBe('connection refused');
    watch.recovered();
    watch.recovered();
    expect(said).toEqual([
      'Redis is down: connection refused',
      'Redis still down after 60 s: connection refused',
      'Redis still down after 120 s: connection refused',
      'Redis is back after 150 s',
    ]);
    expect(watch.down).toBe(false);
  });
});

describe('plainReason', () => {
  it.each([
    [refused, 'connection refused'],
    [Object.assign(new Error('x'), { code: 'ENOTFOUND' }), 'host not found'],
    [new Error('Connection terminated unexpectedly'), 'connection lost'],
    [
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      'connection lost',
    ],
    [new Error('WRONGPASS invalid username-password pair'), 'authentication failed'],
    [Object.assign(new Error('x'), { code: '28P01' }), 'authentication failed'],
    [new Error('Query read timeout'), 'timed out'],
  ])('%s', (err, reason) => {
    expect(plainReason(err)).toBe(reason);
  });
});
