import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import supertest from 'supertest';
import { loadCredentials } from '@app/doku-snap';
import { startDokuSimulator, RunningSimulator, SimulatorOptions } from '@app/doku-simulator';
import { createApp } from '../../apps/payments/src/app.factory';
import { AppConfig, loadConfig } from '../../apps/payments/src/config/app-config';
import { createTestDatabase, TestDatabase } from './database';
import { deleteRedisKeys } from './redis-keys';

export const TEST_API_KEY = 'test-api-key-0123456789abcdef';

export interface Harness {
  app: INestApplication;
  url: string;
  config: AppConfig;
  /** The environment the service was configured from (to start more processes like it). */
  env: Record<string, string>;
  sim: RunningSimulator;
  db: TestDatabase;
  http: ReturnType<typeof supertest>;
  auth: { Authorization: string };
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  simulator?: SimulatorOptions;
  /** Where the service's JSON log lines go (with `env.LOG_LEVEL`), e.g. to read them in a test. */
  logDestination?: DestinationStream;
  /** The service reaches PostgreSQL through this address (a proxy the test controls). */
  databaseVia?: { host: string; port: number };
}

/** The test database's URL with another host and port. */
function databaseUrlVia(url: string, via?: { host: string; port: number }): string {
  if (!via) return url;
  const u = new URL(url);
  u.hostname = via.host;
  u.port = String(via.port);
  return u.toString();
}

/**
 * The service as it runs, on a database of its own, talking over real HTTP to a simulator of its
 * own, with real PostgreSQL and Redis.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = await createTestDatabase({ migrate: false });
  const sim = await startDokuSimulator({
    notificationRetryDelaysMs: [50, 100, 200],
    ...options.simulator,
  });
  const c = sim.credentials;
  const env: Record<string, string> = {
    PORT: '0',
    DATABASE_URL: databaseUrlVia(db.url, options.databaseVia),
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    BULLMQ_PREFIX: `test-${randomBytes(6).toString('hex')}`,
    API_KEYS: TEST_API_KEY,
    DOKU_BASE_URL: sim.url,
    DOKU_CLIENT_ID: c.clientId,
    DOKU_CLIENT_SECRET: c.clientSecret,
    DOKU_PRIVATE_KEY: c.merchantPrivateKeyPem,
    DOKU_PUBLIC_KEY: c.dokuPublicKeyPem,
    DOKU_TIMEOUT_MS: '1000',
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  const config = loadConfig(env);
  const credentials = loadCredentials(config.doku.credentials!);
  const app = await createApp({ config, credentials, logDestination: options.logDestination });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  sim.control.configure({ merchantBaseUrl: url });
  // Known once listening, as the port is: where DOKU sends customers back after binding.
  if (options.env?.PUBLIC_BASE_URL === undefined) config.channels.publicBaseUrl = url;
  return {
    app,
    url,
    config,
    env,
    sim,
    db,
    http: supertest(url),
    auth: { Authorization: `Bearer ${TEST_API_KEY}` },
    async close() {
      await app.close();
      await sim.close();
      await db.drop();
      // A test that stopped its own Redis has nothing left there to delete.
      await deleteRedisKeys(env.REDIS_URL, env.BULLMQ_PREFIX).catch(() => undefined);
    },
  };
}

let orderSeq = 0;

/** A valid create-payment body with a unique order id. */
export function paymentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    partnerReferenceNo: `ORDER-${Date.now()}-${process.pid}-${orderSeq++}`,
    amount: { value: '15000.00', currency: 'IDR' },
    returnUrl: 'https://shop.example/orders/return?x=1&y=/2',
    deviceId: 'device12345',
    ipAddress: '203.0.113.7',
    orderTitle: 'Kopi susu x2',
    ...overrides,
  };
}
