import {
  RawCredentials,
  SIMULATED_QRIS_TERMINAL,
  SIMULATED_VA_BINS,
  SNAP_CHANNELS,
} from '@app/doku-snap';
import { crossFieldProblems, keyProblems } from './config.rules';
import { Env, envSchema } from './config.schema';
import { ChannelSettings, channelSettingsFrom } from './channel-settings';
import { DEFAULT_QRIS_QUERY_INTERVALS, parseCadence, QueryCadence } from './qris-cadence';
import { WebhookEndpoint, webhookEndpointsFrom } from './webhook-endpoints';

/** The validated configuration the service runs with. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  bullmqPrefix: string;
  role: 'all' | 'api' | 'worker';
  doku: {
    /** Undefined in simulator mode until the embedded simulator is up. */
    baseUrl?: string;
    /** Undefined: no credentials configured, run on the embedded simulator. */
    credentials?: RawCredentials;
    /** A standalone simulator's credentials file (simulator mode with DOKU_BASE_URL). */
    simulatorCredentialsFile?: string;
    timeoutMs: number;
    paymentAttempts: number;
  };
  apiKeys: string[];
  bullBoard?: { user: string; password: string };
  migrationsRun: boolean;
  logLevel: Env['LOG_LEVEL'];
  notificationToleranceSeconds: number;
  refundConcurrency: number;
  refundMaxAttempts: number;
  refundBackoffMs: number;
  refundStaleMs: number;
  refundSweepEveryMs: number;
  workerLockMs: number;
  outboxRelayEveryMs: number;
  /** Requests per client address and window on the HTTP endpoints; limit 0: no limit. */
  throttle: { limit: number; ttlMs: number };
  /** Which proxies in front may set X-Forwarded-For (Fastify's trustProxy); undefined: none. */
  trustProxy?: boolean | number | string;
  /** The embedded simulator (no DOKU credentials): where it listens, how browsers reach it. */
  simulator: { host: string; port: number; publicUrl?: string };
  shutdownGraceMs: number;
  latePaymentPolicy: 'refund' | 'accept';
  webhooks: {
    /** None: events are recorded and served by /v1/events, and not pushed. */
    endpoints: WebhookEndpoint[];
    allowedCidrs: string[];
    concurrency: number;
    timeoutMs: number;
    backoffScale: number;
    relayEveryMs: number;
    sweepEveryMs: number;
  };
  eventRetentionDays: number;
  channels: ChannelSettings;
  /** How long before its expiry a customer token is renewed. */
  customerTokenRefreshAheadMs: number;
  /** When QRIS payments are queried (QRIS_QUERY_INTERVALS_MS). */
  qrisQueryCadence: QueryCadence;
  /** QRIS queries one worker process makes at once (QRIS_QUERY_CONCURRENCY). */
  qrisQueryConcurrency: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the environment. Problems come one per line, naming the variable and never
 * its value (values may be secrets).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(cleaned);
  const webhooks = webhookEndpointsFrom(cleaned);
  const channels = channelSettingsFrom(
    cleaned,
    // The library's channels: the service has an adapter for each (channel-adapters.spec.ts).
    SNAP_CHANNELS.map((c) =>
      c.kind === 'virtual_account'
        ? { channel: c.channel, simulatorBin: SIMULATED_VA_BINS[c.dokuChannel] }
        : c.kind === 'qris'
          ? { channel: c.channel, simulatorTerminal: { ...SIMULATED_QRIS_TERMINAL } }
          : { channel: c.channel },
    ),
    parsed.success ? parsed.data.PORT : 3000,
  );
  const cadence = parseCadence(cleaned.QRIS_QUERY_INTERVALS_MS ?? DEFAULT_QRIS_QUERY_INTERVALS);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)),
    ...crossFieldProblems(cleaned),
    ...keyProblems(cleaned),
    ...webhooks.problems,
    ...channels.problems,
    ...(cadence
      ? []
      : [
          'QRIS_QUERY_INTERVALS_MS: must be intervals in ms, each with an optional *count, e.g. 2000*15,4000*15,120000',
        ]),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const hasCredentials = e.DOKU_CLIENT_ID !== undefined;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    bullmqPrefix: e.BULLMQ_PREFIX,
    role: e.ROLE,
    doku: {
      baseUrl: e.DOKU_BASE_URL,
      credentials: hasCredentials
        ? {
            clientId: e.DOKU_CLIENT_ID!,
            clientSecret: e.DOKU_CLIENT_SECRET!,
            privateKey: e.DOKU_PRIVATE_KEY,
            privateKeyFile: e.DOKU_PRIVATE_KEY_FILE,
            dokuPublicKey: e.DOKU_PUBLIC_KEY,
            dokuPublicKeyFile: e.DOKU_PUBLIC_KEY_FILE,
          }
        : undefined,
      simulatorCredentialsFile: e.DOKU_SIMULATOR_CREDENTIALS_FILE,
      timeoutMs: e.DOKU_TIMEOUT_MS,
      paymentAttempts: e.DOKU_PAYMENT_ATTEMPTS,
    },
    apiKeys: e.API_KEYS ? e.API_KEYS.split(',').map((k) => k.trim()) : [],
    bullBoard:
      e.BULL_BOARD_USER && e.BULL_BOARD_PASSWORD
        ? { user: e.BULL_BOARD_USER, password: e.BULL_BOARD_PASSWORD }
        : undefined,
    migrationsRun: e.MIGRATIONS_RUN,
    logLevel: e.LOG_LEVEL,
    notificationToleranceSeconds: e.NOTIFICATION_TIMESTAMP_TOLERANCE_SECONDS,
    refundConcurrency: e.REFUND_CONCURRENCY,
    refundMaxAttempts: e.REFUND_MAX_ATTEMPTS,
    refundBackoffMs: e.REFUND_BACKOFF_MS,
    refundStaleMs: e.REFUND_STALE_MS,
    refundSweepEveryMs: e.REFUND_SWEEP_EVERY_MS,
    workerLockMs: e.WORKER_LOCK_MS,
    outboxRelayEveryMs: e.OUTBOX_RELAY_EVERY_MS,
    throttle: { limit: e.THROTTLE_LIMIT, ttlMs: e.THROTTLE_TTL_MS },
    trustProxy: trustProxyOf(e.TRUST_PROXY),
    simulator: {
      host: e.SIMULATOR_HOST,
      port: e.SIMULATOR_PORT,
      publicUrl: e.SIMULATOR_PUBLIC_URL,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    latePaymentPolicy: e.LATE_PAYMENT_POLICY,
    webhooks: {
      endpoints: webhooks.endpoints,
      allowedCidrs: e.WEBHOOK_ALLOWED_CIDRS
        ? e.WEBHOOK_ALLOWED_CIDRS.split(',').map((c) => c.trim())
        : [],
      concurrency: e.WEBHOOK_CONCURRENCY,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      backoffScale: e.WEBHOOK_BACKOFF_SCALE,
      relayEveryMs: e.WEBHOOK_RELAY_EVERY_MS,
      sweepEveryMs: e.WEBHOOK_SWEEP_EVERY_MS,
    },
    eventRetentionDays: e.EVENT_RETENTION_DAYS,
    channels: channels.settings,
    customerTokenRefreshAheadMs: e.CUSTOMER_TOKEN_REFRESH_AHEAD_SECONDS * 1000,
    qrisQueryCadence: cadence!,
    qrisQueryConcurrency: e.QRIS_QUERY_CONCURRENCY,
  };
}

function trustProxyOf(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
