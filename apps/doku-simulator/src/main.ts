import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { normalizePem } from '@app/doku-snap';
import { startDokuSimulator } from '@app/doku-simulator';
import type { SimulatorCredentials, SimulatorOptions } from '@app/doku-simulator';

/** Standalone start: `npm run start:simulator`, or the docker compose service. */

class StartupError extends Error {}

function env(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const text = env(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new StartupError(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

function pem(name: string): string | undefined {
  const value = env(name);
  return value === undefined ? undefined : normalizePem(value);
}

/**
 * Fixed credentials, in order of precedence: the variables, then the credentials file (so docker
 * compose can share one set with the service through a volume), then generated.
 */
function givenCredentials(file: string | undefined): Partial<SimulatorCredentials> {
  let fromFile: Partial<SimulatorCredentials> = {};
  if (file && existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Partial<SimulatorCredentials>;
    } catch {
      throw new StartupError(`SIMULATOR_CREDENTIALS_FILE: ${file} is not readable JSON`);
    }
  }
  const fromEnv: Partial<SimulatorCredentials> = {
    clientId: env('SIMULATOR_CLIENT_ID'),
    clientSecret: env('SIMULATOR_CLIENT_SECRET'),
    merchantPublicKeyPem: pem('SIMULATOR_MERCHANT_PUBLIC_KEY'),
    dokuPrivateKeyPem: pem('SIMULATOR_DOKU_PRIVATE_KEY'),
  };
  const merged: Partial<SimulatorCredentials> = { ...fromFile };
  for (const [key, value] of Object.entries(fromEnv) as [
    keyof SimulatorCredentials,
    string | undefined,
  ][]) {
    if (value !== undefined) merged[key] = value;
  }
  // A merchant public key from the environment replaces the file's pair, and the DOKU private key
  // its public half: keeping the old halves would leave pairs that do not match.
  if (fromEnv.merchantPublicKeyPem) delete merged.merchantPrivateKeyPem;
  if (fromEnv.dokuPrivateKeyPem) delete merged.dokuPublicKeyPem;
  return merged;
}

function options(): SimulatorOptions {
  const form = env('SIMULATOR_NOTIFICATION_FORM');
  if (form !== undefined && form !== 'HMAC' && form !== 'RSA') {
    throw new StartupError('SIMULATOR_NOTIFICATION_FORM must be HMAC or RSA');
  }
  const delays = env('SIMULATOR_NOTIFICATION_RETRY_DELAYS_MS');
  const requireDevice = env('SIMULATOR_REQUIRE_DEVICE_ID');
  if (requireDevice !== undefined && requireDevice !== 'true' && requireDevice !== 'false') {
    throw new StartupError('SIMULATOR_REQUIRE_DEVICE_ID must be true or false');
  }
  return {
    host: env('SIMULATOR_HOST') ?? '127.0.0.1',
    port: integer('SIMULATOR_PORT', 3100, 0, 65535),
    merchantBaseUrl: env('SIMULATOR_MERCHANT_BASE_URL'),
    publicBaseUrl: env('SIMULATOR_PUBLIC_BASE_URL'),
    notificationForm: form,
    latencyMs: integer('SIMULATOR_LATENCY_MS', 0, 0, 600_000),
    ...(requireDevice !== undefined ? { requireDeviceId: requireDevice === 'true' } : {}),
    ...(delays !== undefined
      ? { notificationRetryDelaysMs: delays.split(',').map((d) => Number(d.trim())) }
      : {}),
    credentials: givenCredentials(env('SIMULATOR_CREDENTIALS_FILE')),
  };
}

function writeCredentials(file: string, credentials: SimulatorCredentials): void {
  mkdirSync(dirname(file), { recursive: true });
  // Private keys inside: readable by the owner only.
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}

async function main(): Promise<void> {
  let simulator;
  try {
    simulator = await startDokuSimulator(options());
  } catch (err) {
    console.error(`doku-simulator: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(78);
  }
  const file = env('SIMULATOR_CREDENTIALS_FILE');
  if (file) writeCredentials(file, simulator.credentials);
  console.log(
    `DOKU SNAP simulator listening on ${simulator.url} (client ${simulator.credentials.clientId}; ` +
      `credentials: ${file ?? `GET ${simulator.url}/__control/credentials`}; local use only)`,
  );
  const stop = () => {
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

void main();
