import { z } from 'zod';

// Messages say what is expected, never what was given: values may be secrets.

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const integer = (min: number, max: number, fallback: number) => {
  const range =
    max === Number.MAX_SAFE_INTEGER
      ? `an integer of at least ${min}`
      : `an integer from ${min} to ${max}`;
  return z.coerce
    .number({ error: `must be ${range}` })
    .int({ error: `must be ${range}` })
    .min(min, { error: `must be ${range}` })
    .max(max, { error: `must be ${range}` })
    .default(fallback);
};

const positiveInt = (fallback: number) => integer(1, Number.MAX_SAFE_INTEGER, fallback);

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a ${protocols.join(' or ')} URL` },
  );

const text = (max = 100_000) =>
  z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .optional();

/**
 * Every environment variable the service reads, with its default: the names internal callers and
 * operators rely on, plus tuning knobs. Rules that tie variables together are in
 * config.rules.ts, so that every problem is reported in one go.
 */
const hostName = (fallback: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, { error: 'must be an IP address or a host name' })
    .default(fallback);

export const envSchema = z.object({
  PORT: integer(0, 65535, 3000),
  /**
   * The address the HTTP server listens on. Every interface by default: in a container the
   * service is reached from outside its own loopback (Fastify alone would listen on localhost).
   */
  HOST: hostName('0.0.0.0'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).default(
    'postgres://postgres@127.0.0.1:5432/doku_payments',
  ),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  BULLMQ_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ . or -' })
    .default('doku-payments'),
  ROLE: z.enum(['all', 'api', 'worker'], { error: 'must be all, api or worker' }).default('all'),
  DOKU_BASE_URL: url(['http:', 'https:']).optional(),
  DOKU_CLIENT_ID: z.string().max(64, { error: 'must be at most 64 characters' }).optional(),
  DOKU_CLIENT_SECRET: text(),
  DOKU_PRIVATE_KEY: text(),
  DOKU_PRIVATE_KEY_FILE: text(4096),
  DOKU_PUBLIC_KEY: text(),
  DOKU_PUBLIC_KEY_FILE: text(4096),
  /**
   * A standalone simulator's credentials file (its SIMULATOR_CREDENTIALS_FILE): the service takes
   * the four DOKU credentials from it (docker compose shares it through a volume).
   */
  DOKU_SIMULATOR_CREDENTIALS_FILE: text(4096),
  /** Deadline of one DOKU call. */
  // At most a minute: a caller's request waits for the DOKU call, and a longer deadline only hides
  // an outage.
  DOKU_TIMEOUT_MS: integer(1, 60_000, 8_000),
  /** Sends of one payment request (same X-EXTERNAL-ID, same bytes) before its outcome is left to status checks. */
  DOKU_PAYMENT_ATTEMPTS: integer(1, 10, 3),
  API_KEYS: text(),
  BULL_BOARD_USER: text(256),
  BULL_BOARD_PASSWORD: text(1024),
  /** Apply pending migrations at start (and create the database when it does not exist). */
  MIGRATIONS_RUN: bool.default(true),
  DATABASE_POOL_SIZE: positiveInt(20),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
  /** Allowed clock difference on X-TIMESTAMP of DOKU's calls to us. */
  // Signed notifications older than this are refused: a wide window lets a captured one be
  // replayed longer. SNAP's usual is 5 minutes; an hour at most.
  NOTIFICATION_TIMESTAMP_TOLERANCE_SECONDS: integer(1, 3_600, 300),
  /** Refund worker concurrency per process. */
  REFUND_CONCURRENCY: positiveInt(10),
  /** Calls to DOKU for one refund before it is left to the sweeper. */
  REFUND_MAX_ATTEMPTS: positiveInt(8),
  /** First retry delay of a refund call; later ones double, with jitter. */
  REFUND_BACKOFF_MS: positiveInt(2_000),
  /** An open refund untouched this long is looked at again by the sweeper. */
  REFUND_STALE_MS: positiveInt(120_000),
  /** How long a worker holds a job before it counts as stalled (its process presumed dead). */
  WORKER_LOCK_MS: positiveInt(30_000),
  /** How often the refund sweeper runs. */
  REFUND_SWEEP_EVERY_MS: positiveInt(30_000),
  /** How often the outbox relay looks for jobs not yet in Redis. */
  OUTBOX_RELAY_EVERY_MS: positiveInt(2_000),
  /** Requests one client address may make to one endpoint per THROTTLE_TTL_MS (internal API and DOKU's endpoints); 0 turns it off. */
  THROTTLE_LIMIT: integer(0, 1_000_000, 1_000),
  THROTTLE_TTL_MS: positiveInt(10_000),
  /**
   * Which proxies in front may set X-Forwarded-For, so the rate limit and
   * the logs see the caller's address, not the load balancer's: `true`, a hop count, or
   * comma-separated addresses, subnets or `loopback`/`linklocal`/`uniquelocal`. Unset: none.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/, {
      error: 'must be true, false, a hop count, or comma-separated addresses or subnets',
    })
    .optional(),
  /**
   * How long a stop (SIGTERM, SIGINT) may take: jobs in hand finish or are released and
   * connections close within it, whatever is down; past it the process exits all the same.
   */
  SHUTDOWN_GRACE_MS: integer(1_000, 600_000, 25_000),
  /**
   * What happens to money DOKU reports paid on a payment the books have closed (expired, failed,
   * cancelled): `refund` it through the refund pipeline, or `accept` it (the payment becomes PAID).
   * Either way the payment is marked for a person's attention.
   */
  LATE_PAYMENT_POLICY: z
    .enum(['refund', 'accept'], { error: 'must be refund or accept' })
    .default('refund'),
  /** JSON array of webhook endpoints (contract §6); or WEBHOOK_ENDPOINTS_FILE, a file holding it. */
  WEBHOOK_ENDPOINTS: text(),
  WEBHOOK_ENDPOINTS_FILE: text(4096),
  /** Comma-separated private or loopback ranges webhook URLs may reach (none by default). */
  WEBHOOK_ALLOWED_CIDRS: text(4096),
  /** Webhook deliveries in flight per process. */
  WEBHOOK_CONCURRENCY: integer(1, 500, 20),
  /** Deadline of one delivery attempt (headers and body). */
  WEBHOOK_TIMEOUT_MS: integer(100, 60_000, 15_000),
  /** Shrinks the retry schedule (5 s ... 24 h) by this factor: tests and drills only. */
  WEBHOOK_BACKOFF_SCALE: z.coerce
    .number({ error: 'must be a number above 0, at most 1' })
    .gt(0, { error: 'must be a number above 0, at most 1' })
    .max(1, { error: 'must be a number above 0, at most 1' })
    .default(1),
  /** How often the webhook relay turns new events into deliveries. */
  WEBHOOK_RELAY_EVERY_MS: integer(10, 60_000, 50),
  /** How often the webhook sweeper re-adds deliveries whose jobs Redis lost. */
  WEBHOOK_SWEEP_EVERY_MS: positiveInt(60_000),
  /** Events (and their deliveries) are kept this long, and longer while a delivery is pending. */
  EVENT_RETENTION_DAYS: integer(1, 3_650, 90),
  /** Channels offered (contract §5); read with the channel registry in channel-settings.ts. */
  CHANNELS: text(1024),
  /** Per bank, the VA BIN DOKU assigned (contract §5); read in channel-settings.ts. */
  DOKU_VA_BINS: text(1024),
  /** QRIS credentials DOKU issues (contract §5); read in channel-settings.ts. */
  DOKU_QRIS_MERCHANT_ID: text(64),
  DOKU_QRIS_TERMINAL_ID: text(16),
  DOKU_QRIS_POSTAL_CODE: text(10),
  /** When QRIS payments are queried (qr-confirmations/cadence.ts). */
  QRIS_QUERY_INTERVALS_MS: text(200),
  /** QRIS queries one worker process makes at once. */
  QRIS_QUERY_CONCURRENCY: integer(1, 500, 50),
  /** The service's public URL: where DOKU sends customers back after binding a wallet. */
  PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
  /** Encrypts customer tokens at rest (32 bytes, base64); read in channel-settings.ts. */
  DATA_ENCRYPTION_KEY: text(1024),
  DATA_ENCRYPTION_PREVIOUS_KEYS: text(4096),
  /** A customer token is renewed this long before it expires (or at half its life, if shorter). */
  CUSTOMER_TOKEN_REFRESH_AHEAD_SECONDS: integer(0, 86_400, 120),
  /** Public base URL the simulator puts in its payment links (embedded mode). */
  SIMULATOR_PUBLIC_URL: url(['http:', 'https:']).optional(),
  /**
   * Where the embedded simulator listens: this machine only by default; 0.0.0.0 (with
   * SIMULATOR_PUBLIC_URL naming this machine) lets another machine or a container open its links.
   */
  SIMULATOR_HOST: hostName('127.0.0.1'),
  /** The embedded simulator's port; 0: any free port (a new one each start). */
  SIMULATOR_PORT: integer(0, 65535, 0),
});

export type Env = z.infer<typeof envSchema>;
