import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a ${protocols.join(' or ')} URL`,
  );

/** Every environment variable the service reads, with its default. Names are the contract's. */
export const envSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: url(['postgres:', 'postgresql:']).default(
      'postgres://postgres@127.0.0.1:5432/doku_payments',
    ),
    REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
    BULLMQ_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 letters, digits, _ . or -')
      .default('doku-payments'),
    ROLE: z.enum(['all', 'api', 'worker']).default('all'),
    DOKU_BASE_URL: url(['http:', 'https:']).optional(),
    DOKU_CLIENT_ID: z.string().min(1).max(64).optional(),
    DOKU_CLIENT_SECRET: z.string().min(1).optional(),
    DOKU_PRIVATE_KEY: z.string().min(1).optional(),
    DOKU_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    DOKU_PUBLIC_KEY: z.string().min(1).optional(),
    DOKU_PUBLIC_KEY_FILE: z.string().min(1).optional(),
    /** Deadline of one DOKU call. */
    DOKU_TIMEOUT_MS: positiveInt(8_000),
    /** Sends of one payment request (same X-EXTERNAL-ID, same bytes) before its outcome is left to status checks. */
    DOKU_PAYMENT_ATTEMPTS: positiveInt(3),
    API_KEYS: z.string().optional(),
    BULL_BOARD_USER: z.string().min(1).optional(),
    BULL_BOARD_PASSWORD: z.string().min(1).optional(),
    /** Apply pending migrations at start. */
    MIGRATIONS_RUN: bool.default(true),
    DATABASE_POOL_SIZE: positiveInt(20),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    /** Allowed clock difference on X-TIMESTAMP of DOKU's calls to us. */
    NOTIFICATION_TIMESTAMP_TOLERANCE_SECONDS: positiveInt(300),
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
    /** Public base URL the simulator puts in its payment links (embedded mode). */
    SIMULATOR_PUBLIC_URL: url(['http:', 'https:']).optional(),
  })
  .superRefine((env, ctx) => {
    const pairs: [keyof typeof env, keyof typeof env][] = [
      ['DOKU_PRIVATE_KEY', 'DOKU_PRIVATE_KEY_FILE'],
      ['DOKU_PUBLIC_KEY', 'DOKU_PUBLIC_KEY_FILE'],
    ];
    for (const [a, b] of pairs) {
      if (env[a] && env[b])
        ctx.addIssue({ code: 'custom', path: [a], message: `set ${a} or ${b}, not both` });
    }
    const doku = {
      DOKU_CLIENT_ID: env.DOKU_CLIENT_ID,
      DOKU_CLIENT_SECRET: env.DOKU_CLIENT_SECRET,
      'DOKU_PRIVATE_KEY[_FILE]': env.DOKU_PRIVATE_KEY ?? env.DOKU_PRIVATE_KEY_FILE,
      'DOKU_PUBLIC_KEY[_FILE]': env.DOKU_PUBLIC_KEY ?? env.DOKU_PUBLIC_KEY_FILE,
    };
    const given = Object.entries(doku).filter(([, v]) => v !== undefined);
    if (given.length > 0 && given.length < 4) {
      for (const [name, value] of Object.entries(doku)) {
        if (value === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message:
              'required once any DOKU credential is set (or set none to run on the embedded simulator)',
          });
        }
      }
    }
    if (given.length === 4 && !env.DOKU_BASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DOKU_BASE_URL'],
        message: 'required with real DOKU credentials (e.g. https://api-sandbox.doku.com)',
      });
    }
    if ((env.BULL_BOARD_USER === undefined) !== (env.BULL_BOARD_PASSWORD === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['BULL_BOARD_PASSWORD'],
        message: 'BULL_BOARD_USER and BULL_BOARD_PASSWORD go together',
      });
    }
    if (env.API_KEYS !== undefined) {
      const keys = env.API_KEYS.split(',').map((k) => k.trim());
      if (keys.some((k) => k.length < 16)) {
        ctx.addIssue({
          code: 'custom',
          path: ['API_KEYS'],
          message: 'every key must be at least 16 characters (comma-separated, no empty entries)',
        });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;
