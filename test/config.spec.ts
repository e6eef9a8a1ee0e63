import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../apps/payments/src/config/app-config';
import { readSimulatorCredentialsFile } from '../apps/payments/src/config/simulator-credentials-file';
import { SIMULATED_QRIS_TERMINAL } from '@app/doku-snap';
import { VA_CHANNELS } from './support/virtual-accounts';

const VA_CHANNEL_NAMES = VA_CHANNELS.map((c) => c.channel);

const SECRET = 'sk-very-secret-value-do-not-print';

function pems() {
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const doku = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    dokuPublicKey: doku.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
const keys = pems();

const realDoku = {
  DOKU_BASE_URL: 'https://api-sandbox.doku.com',
  DOKU_CLIENT_ID: 'BRN-0001-1700000000000',
  DOKU_CLIENT_SECRET: SECRET,
  DOKU_PRIVATE_KEY: keys.privateKey,
  DOKU_PUBLIC_KEY: keys.dokuPublicKey,
};

/** The problem lines loadConfig reports for `env` (fails the test if it accepts it). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as ConfigError).problems;
    // Never the value of anything that may be a secret.
    for (const line of lines) {
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain('BEGIN');
    }
    return lines;
  }
  throw new Error('configuration accepted');
}

describe('loadConfig', () => {
  it('runs on defaults alone (simulator mode), with the contract defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/doku_payments',
      redisUrl: 'redis://127.0.0.1:6379',
      bullmqPrefix: 'doku-payments',
      role: 'all',
      apiKeys: [],
      migrationsRun: true,
      logLevel: 'info',
      throttle: { limit: 1000, ttlMs: 10_000 },
    });
    expect(config.doku.credentials).toBeUndefined();
    expect(config.doku.baseUrl).toBeUndefined();
    expect(config.bullBoard).toBeUndefined();
    expect(config.trustProxy).toBeUndefined();
  });

  it('QRIS queries: the default cadence and concurrency; a cadence or a concurrency that is none is named', () => {
    const config = loadConfig({});
    // Every 2 s for 30 s, then 4 s to 90 s: a QR paid in its first 90 s takes at most 30 queries.
    expect(config.qrisQueryCadence.steps.slice(0, 31)).toEqual([
      ...Array<number>(15).fill(2000),
      ...Array<number>(15).fill(4000),
      30000,
    ]);
    expect(config.qrisQueryConcurrency).toBe(50);
    expect(loadConfig({ QRIS_QUERY_INTERVALS_MS: '500*4,1000' }).qrisQueryCadence.steps).toEqual([
      500, 500, 500, 500, 1000,
    ]);
    expect(problems({ QRIS_QUERY_INTERVALS_MS: 'fast', QRIS_QUERY_CONCURRENCY: '0' })).toEqual([
      'QRIS_QUERY_CONCURRENCY: must be an integer from 1 to 500',
      'QRIS_QUERY_INTERVALS_MS: must be intervals in ms, each with an optional *count, e.g. 2000*15,4000*15,120000',
    ]);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DOKU_CLIENT_ID: '', API_KEYS: '' }).port).toBe(3000);
    expect(loadConfig({}).host).toBe('0.0.0.0');
  });

  it('takes real DOKU credentials, with literal \\n in the PEM', () => {
    const config = loadConfig({
      ...realDoku,
      DOKU_PRIVATE_KEY: keys.privateKey.replace(/\n/g, '\\n'),
      API_KEYS: 'key-aaaaaaaaaaaaaaaa, key-bbbbbbbbbbbbbbbb',
      BULL_BOARD_USER: 'ops',
      BULL_BOARD_PASSWORD: SECRET,
      TRUST_PROXY: 'loopback, 10.0.0.0/8',
      THROTTLE_LIMIT: '0',
    });
    expect(config.doku.credentials?.clientId).toBe('BRN-0001-1700000000000');
    expect(config.apiKeys).toEqual(['key-aaaaaaaaaaaaaaaa', 'key-bbbbbbbbbbbbbbbb']);
    expect(config.bullBoard).toEqual({ user: 'ops', password: SECRET });
    expect(config.trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(config.throttle.limit).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });

  it('reports every malformed value at once, one line each, naming the variable', () => {
    expect(
      problems({
        PORT: 'eighty',
        HOST: 'every where',
        DATABASE_URL: `mysql://root:${SECRET}@db/payments`,
        REDIS_URL: 'http://redis:6379',
        ROLE: 'boss',
        LOG_LEVEL: 'loud',
        MIGRATIONS_RUN: 'maybe',
        REFUND_CONCURRENCY: '0',
        THROTTLE_LIMIT: '-1',
        BULLMQ_PREFIX: 'a:b',
        TRUST_PROXY: 'every body',
      }),
    ).toEqual([
      'PORT: must be an integer from 0 to 65535',
      'HOST: must be an IP address or a host name',
      'DATABASE_URL: must be a postgres: or postgresql: URL',
      'REDIS_URL: must be a redis: or rediss: URL',
      'BULLMQ_PREFIX: must be 1-64 letters, digits, _ . or -',
      'ROLE: must be all, api or worker',
      'MIGRATIONS_RUN: must be true or false',
      'LOG_LEVEL: must be fatal, error, warn, info, debug, trace or silent',
      'REFUND_CONCURRENCY: must be an integer of at least 1',
      'THROTTLE_LIMIT: must be an integer from 0 to 1000000',
      'TRUST_PROXY: must be true, false, a hop count, or comma-separated addresses or subnets',
    ]);
  });

  it('bounds the settings that would hide an outage or widen a replay window', () => {
    expect(
      problems({
        DOKU_TIMEOUT_MS: '600000',
        DOKU_PAYMENT_ATTEMPTS: '20',
        NOTIFICATION_TIMESTAMP_TOLERANCE_SECONDS: '86400',
      }),
    ).toEqual([
      'DOKU_TIMEOUT_MS: must be an integer from 1 to 60000',
      'DOKU_PAYMENT_ATTEMPTS: must be an integer from 1 to 10',
      'NOTIFICATION_TIMESTAMP_TOLERANCE_SECONDS: must be an integer from 1 to 3600',
    ]);
  });

  it('reports contradictions together with malformed values', () => {
    expect(problems({ PORT: '-1', DOKU_CLIENT_ID: 'BRN-1', DOKU_CLIENT_SECRET: SECRET })).toEqual([
      'PORT: must be an integer from 0 to 65535',
      'DOKU_PRIVATE_KEY (or DOKU_PRIVATE_KEY_FILE): required once any DOKU credential is set (or set none to run on the embedded simulator)',
      'DOKU_PUBLIC_KEY (or DOKU_PUBLIC_KEY_FILE): required once any DOKU credential is set (or set none to run on the embedded simulator)',
    ]);
  });

  it('refuses plain http to another machine with real credentials (the access token would travel in clear)', () => {
    expect(problems({ ...realDoku, DOKU_BASE_URL: 'http://api-sandbox.doku.com' })).toEqual([
      'DOKU_BASE_URL: must be https:// with real DOKU credentials (http:// only to this machine, e.g. a local simulator)',
    ]);
    for (const local of ['http://127.0.0.1:3100', 'http://localhost:3100', 'http://[::1]:3100'])
      expect(loadConfig({ ...realDoku, DOKU_BASE_URL: local }).doku.baseUrl, local).toBe(local);
  });

  it('refuses DOKU_BASE_URL without credentials: a forgotten secret must not mean a silent simulator', () => {
    expect(problems({ DOKU_BASE_URL: 'https://api.doku.com' })).toEqual([
      'DOKU_BASE_URL: set without DOKU credentials: set DOKU_CLIENT_ID, DOKU_CLIENT_SECRET, DOKU_PRIVATE_KEY[_FILE] and DOKU_PUBLIC_KEY[_FILE] too, or unset DOKU_BASE_URL to run on the embedded simulator',
    ]);
    const { DOKU_BASE_URL: _, ...withoutUrl } = realDoku;
    expect(problems(withoutUrl)).toEqual([
      'DOKU_BASE_URL: required with real DOKU credentials (e.g. https://api-sandbox.doku.com)',
    ]);
  });

  it('refuses a key given twice, a key that does not parse and a key file it cannot read', () => {
    expect(problems({ ...realDoku, DOKU_PRIVATE_KEY_FILE: '/etc/doku/key.pem' })).toEqual([
      'DOKU_PRIVATE_KEY: set DOKU_PRIVATE_KEY or DOKU_PRIVATE_KEY_FILE, not both',
    ]);
    expect(
      problems({
        ...realDoku,
        DOKU_PRIVATE_KEY: `-----BEGIN PRIVATE KEY-----\n${SECRET}\n-----END PRIVATE KEY-----`,
        DOKU_PUBLIC_KEY: undefined as unknown as string,
        DOKU_PUBLIC_KEY_FILE: '/nonexistent/doku-public.pem',
      }),
    ).toEqual([
      'DOKU_PRIVATE_KEY: not a valid RSA private key in PEM (PKCS#8 or PKCS#1)',
      'DOKU_PUBLIC_KEY_FILE: cannot read the key file /nonexistent/doku-public.pem',
    ]);
  });

  it('refuses half of the dashboard credentials, a short dashboard password, short API keys, and a simulator file beside real credentials', () => {
    expect(problems({ BULL_BOARD_USER: 'ops' })).toEqual([
      'BULL_BOARD_PASSWORD: BULL_BOARD_USER and BULL_BOARD_PASSWORD go together',
    ]);
    expect(problems({ BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'letmein' })).toEqual([
      'BULL_BOARD_PASSWORD: must be at least 16 characters',
    ]);
    expect(problems({ API_KEYS: `${SECRET},short` })).toEqual([
      'API_KEYS: every key must be at least 16 characters (comma-separated, no empty entries)',
    ]);
    expect(problems({ ...realDoku, DOKU_SIMULATOR_CREDENTIALS_FILE: '/shared/sim.json' })).toEqual([
      'DOKU_SIMULATOR_CREDENTIALS_FILE: set it or the DOKU_CLIENT_ID/SECRET/keys credentials, not both',
    ]);
    expect(problems({ DOKU_SIMULATOR_CREDENTIALS_FILE: '/shared/sim.json' })).toEqual([
      'DOKU_BASE_URL: required with DOKU_SIMULATOR_CREDENTIALS_FILE (the standalone simulator URL)',
    ]);
    expect(
      loadConfig({
        DOKU_SIMULATOR_CREDENTIALS_FILE: '/shared/sim.json',
        DOKU_BASE_URL: 'http://simulator:3100',
      }).doku,
    ).toMatchObject({ simulatorCredentialsFile: '/shared/sim.json', credentials: undefined });
  });
});

describe('WEBHOOK_ENDPOINTS', () => {
  const good = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

  it('takes endpoints with their patterns, inline or from a file', () => {
    const endpoints = [
      { id: 'orders', url: 'https://orders.internal/hooks', secret: good, events: ['payment.*'] },
      { id: 'ledger', url: 'http://10.0.0.5/hooks', secret: good, previousSecret: good },
    ];
    const inline = loadConfig({
      WEBHOOK_ENDPOINTS: JSON.stringify(endpoints),
      WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/8, fd00::/8',
    }).webhooks;
    expect(inline.allowedCidrs).toEqual(['10.0.0.0/8', 'fd00::/8']);
    const [orders, ledger] = inline.endpoints;
    expect(orders.takes('payment.paid')).toBe(true);
    expect(orders.takes('refund.succeeded')).toBe(false);
    expect(ledger.takes('refund.failed')).toBe(true);
    expect(ledger.keys).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'hooks-'));
    writeFileSync(join(dir, 'endpoints.json'), JSON.stringify(endpoints));
    expect(
      loadConfig({ WEBHOOK_ENDPOINTS_FILE: join(dir, 'endpoints.json') }).webhooks.endpoints.map(
        (e) => e.id,
      ),
    ).toEqual(['orders', 'ledger']);
  });

  it('names each bad field and never a secret', () => {
    const leaked = `whsec_${SECRET}`;
    const lines = problems({
      WEBHOOK_ENDPOINTS: JSON.stringify([
        { id: 'a b', url: 'ftp://x', secret: leaked, events: ['payment'] },
        {
          id: 'ok',
          url: 'https://user:pw@x.example/',
          secret: good,
          previousSecret: 'whsec_short',
        },
      ]),
      WEBHOOK_ALLOWED_CIDRS: '10.0.0.0/33',
    });
    for (const line of lines)
      for (const value of ['whsec_short', good.slice(6), 'user:pw'])
        expect(line).not.toContain(value);
    expect(lines).toEqual(
      expect.arrayContaining([
        'WEBHOOK_ENDPOINTS: [0].id: must be 1-64 letters, digits, _ or -',
        'WEBHOOK_ENDPOINTS: [0].url: must be an http or https URL without credentials',
        'WEBHOOK_ENDPOINTS: [0].secret: must be whsec_ and the base64 of 24-64 random bytes',
        'WEBHOOK_ENDPOINTS: [0].events[0]: must be an event type, <resource>.* or *',
        'WEBHOOK_ENDPOINTS: [1].url: must be an http or https URL without credentials',
        'WEBHOOK_ENDPOINTS: [1].previousSecret: must be whsec_ and the base64 of 24-64 random bytes',
        'WEBHOOK_ALLOWED_CIDRS: 10.0.0.0/33 is not a CIDR range (comma-separated, e.g. 10.0.0.0/8,fd00::/8)',
      ]),
    );
    expect(problems({ WEBHOOK_ENDPOINTS: '{not json' })).toEqual([
      'WEBHOOK_ENDPOINTS: must be a JSON array of endpoints',
    ]);
  });
});

describe('CHANNELS and DATA_ENCRYPTION_KEY', () => {
  const KEY = Buffer.alloc(32, 7).toString('base64');

  it('offers every channel in simulator mode, with a key made for the run; DANA alone with real credentials', () => {
    const sim = loadConfig({});
    expect(sim.channels.enabled).toEqual(['DANA', 'SHOPEEPAY', 'OVO', ...VA_CHANNEL_NAMES, 'QRIS']);
    expect(sim.channels.qrisTerminal).toEqual(SIMULATED_QRIS_TERMINAL);
    expect(sim.channels.vaBins).toMatchObject({ VA_BCA: '19008', VA_MANDIRI: '88899' });
    expect(sim.channels.dataKeys).toHaveLength(1);
    expect(sim.channels.publicBaseUrl).toBe('http://localhost:3000');
    const real = loadConfig(realDoku);
    expect(real.channels.enabled).toEqual(['DANA']);
    expect(real.channels.dataKeys).toHaveLength(0);
    expect(real.channels.vaBins).toEqual({});
    expect(real.channels.qrisTerminal).toBeUndefined();
  });

  it('DOKU_QRIS_*: all three with real credentials, each checked; QRIS enabled without them is named', () => {
    const qris = {
      DOKU_QRIS_MERCHANT_ID: 'M123',
      DOKU_QRIS_TERMINAL_ID: 'T1',
      DOKU_QRIS_POSTAL_CODE: '12190',
    };
    const config = loadConfig({ ...realDoku, CHANNELS: 'QRIS', ...qris });
    expect(config.channels.qrisTerminal).toEqual({
      merchantId: 'M123',
      terminalId: 'T1',
      postalCode: '12190',
    });
    expect(problems({ ...realDoku, CHANNELS: 'QRIS' })).toEqual([
      'DOKU_QRIS_MERCHANT_ID, DOKU_QRIS_TERMINAL_ID, DOKU_QRIS_POSTAL_CODE: required once QRIS is enabled',
    ]);
    expect(problems({ ...realDoku, DOKU_QRIS_MERCHANT_ID: 'M123' })).toEqual([
      'DOKU_QRIS_MERCHANT_ID, DOKU_QRIS_TERMINAL_ID, DOKU_QRIS_POSTAL_CODE: give all three',
    ]);
    expect(problems({ ...realDoku, ...qris, DOKU_QRIS_POSTAL_CODE: '1219' })).toContain(
      'DOKU_QRIS_POSTAL_CODE: must be a 5-digit postal code',
    );
  });

  it('DOKU_VA_BINS: a bank is offered with its BIN; one enabled without a BIN, or a malformed list, is named', () => {
    const config = loadConfig({
      ...realDoku,
      CHANNELS: 'DANA,VA_BCA,va_bri',
      DOKU_VA_BINS: 'VA_BCA=12345, va_bri=7',
    });
    expect(config.channels.enabled).toEqual(['DANA', 'VA_BCA', 'VA_BRI']);
    expect(config.channels.vaBins).toEqual({ VA_BCA: '12345', VA_BRI: '7' });
    expect(problems({ ...realDoku, CHANNELS: 'VA_BCA,VA_BNI', DOKU_VA_BINS: 'VA_BCA=1' })).toEqual([
      'DOKU_VA_BINS: needs a BIN for VA_BNI (enabled in CHANNELS)',
    ]);
    const malformed = `DOKU_VA_BINS: must be a comma-separated list of BANK=BIN (1 to 8 digits), BANK one of ${VA_CHANNEL_NAMES.join(', ')}`;
    for (const bad of ['VA_BCA=123456789', 'VA_BCA', 'VA_GOPAY=1', 'VA_BCA=12a', 'VA_BCA=1=2'])
      expect(problems({ ...realDoku, DOKU_VA_BINS: bad }), bad).toEqual([malformed]);
    // In simulator mode a bank whose BIN is given keeps it; the others keep the simulator's.
    expect(loadConfig({ DOKU_VA_BINS: 'VA_BCA=77' }).channels.vaBins).toMatchObject({
      VA_BCA: '77',
      VA_MANDIRI: '88899',
    });
  });

  it('takes channels in any case, and keys with earlier ones for a rotation', () => {
    const old = Buffer.alloc(32, 9).toString('base64');
    const config = loadConfig({
      ...realDoku,
      CHANNELS: 'dana, OVO',
      DATA_ENCRYPTION_KEY: KEY,
      DATA_ENCRYPTION_PREVIOUS_KEYS: old,
      PUBLIC_BASE_URL: 'https://pay.example/',
    });
    expect(config.channels.enabled).toEqual(['DANA', 'OVO']);
    expect(config.channels.dataKeys.map((k) => k.toString('base64'))).toEqual([KEY, old]);
    expect(config.channels.publicBaseUrl).toBe('https://pay.example');
  });

  it('names an unknown channel, OVO without a key, a key that is no 32 bytes, never a value', () => {
    expect(problems({ ...realDoku, CHANNELS: 'DANA,GOPAY' })).toEqual([
      `CHANNELS: must be a comma-separated list of DANA, SHOPEEPAY, OVO, ${VA_CHANNEL_NAMES.join(', ')}, QRIS`,
    ]);
    expect(problems({ ...realDoku, CHANNELS: 'OVO' })).toEqual([
      'DATA_ENCRYPTION_KEY: required once OVO is enabled; must be the base64 of 32 random bytes (openssl rand -base64 32)',
    ]);
    const short = Buffer.from(SECRET).toString('base64');
    const lines = problems({ ...realDoku, DATA_ENCRYPTION_KEY: short });
    expect(lines).toEqual([
      'DATA_ENCRYPTION_KEY: must be the base64 of 32 random bytes (openssl rand -base64 32)',
    ]);
    expect(lines.join('')).not.toContain(short);
    expect(problems({ DATA_ENCRYPTION_PREVIOUS_KEYS: KEY })).toContain(
      'DATA_ENCRYPTION_PREVIOUS_KEYS: needs DATA_ENCRYPTION_KEY (the current key)',
    );
  });
});

describe('DOKU_SIMULATOR_CREDENTIALS_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doku-sim-creds-'));

  it('waits for the simulator to write its file, then maps it to merchant credentials', async () => {
    const file = join(dir, 'late.json');
    setTimeout(
      () =>
        writeFileSync(
          file,
          JSON.stringify({
            clientId: 'BRN-SIM-1',
            clientSecret: SECRET,
            merchantPrivateKeyPem: keys.privateKey,
            merchantPublicKeyPem: 'unused',
            dokuPrivateKeyPem: 'unused',
            dokuPublicKeyPem: keys.dokuPublicKey,
          }),
        ),
      300,
    );
    await expect(readSimulatorCredentialsFile(file, 5_000)).resolves.toEqual({
      clientId: 'BRN-SIM-1',
      clientSecret: SECRET,
      privateKey: keys.privateKey,
      dokuPublicKey: keys.dokuPublicKey,
    });
  });

  it('gives up with one line naming the variable and what is wrong, never the content', async () => {
    const file = join(dir, 'partial.json');
    writeFileSync(file, JSON.stringify({ clientId: 'BRN-SIM-1', clientSecret: SECRET }));
    const err = await readSimulatorCredentialsFile(file, 600).catch((e: unknown) => e);
    expect((err as ConfigError).problems).toEqual([
      `DOKU_SIMULATOR_CREDENTIALS_FILE: ${file} lacks merchantPrivateKeyPem, dokuPublicKeyPem`,
    ]);
    const missing = await readSimulatorCredentialsFile(join(dir, 'none.json'), 0).catch(
      (e: unknown) => e,
    );
    expect((missing as ConfigError).problems[0]).toMatch(
      /^DOKU_SIMULATOR_CREDENTIALS_FILE: cannot read /,
    );
  });
});

describe('the service process with a bad configuration', () => {
  it('prints one `config error:` line per problem on stderr and exits 78 before touching anything', async () => {
    const root = resolve(__dirname, '..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/payments/src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: 'eighty',
        DOKU_CLIENT_ID: 'BRN-1',
        DOKU_CLIENT_SECRET: SECRET,
        // Unreachable on purpose: the process must stop before it connects to anything.
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(78);
    expect(stderr.trim().split('\n')).toEqual([
      'config error: PORT: must be an integer from 0 to 65535',
      'config error: DOKU_PRIVATE_KEY (or DOKU_PRIVATE_KEY_FILE): required once any DOKU credential is set (or set none to run on the embedded simulator)',
      'config error: DOKU_PUBLIC_KEY (or DOKU_PUBLIC_KEY_FILE): required once any DOKU credential is set (or set none to run on the embedded simulator)',
    ]);
    expect(stdout + stderr).not.toContain(SECRET);
  });
});
