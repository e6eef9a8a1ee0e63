import { readFile } from 'node:fs/promises';
import type { RawCredentials } from '@app/doku-snap';
import { ConfigError } from './app-config';

const VARIABLE = 'DOKU_SIMULATOR_CREDENTIALS_FILE';
const FIELDS = ['clientId', 'clientSecret', 'merchantPrivateKeyPem', 'dokuPublicKeyPem'] as const;

/**
 * The merchant-side credentials from a standalone simulator's credentials file (the JSON it writes
 * to its SIMULATOR_CREDENTIALS_FILE). The simulator may still be starting, or writing it (docker
 * compose starts both together), so an absent or incomplete file is read again, up to `waitMs`.
 */
export async function readSimulatorCredentialsFile(
  file: string,
  waitMs = 30_000,
): Promise<RawCredentials> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const result = await readOnce(file);
    if (typeof result !== 'string') return result;
    if (Date.now() >= deadline) throw new ConfigError([`${VARIABLE}: ${result}`]);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The credentials, or what is wrong with the file (never its content). */
async function readOnce(file: string): Promise<RawCredentials | string> {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== undefined
      ? `cannot read ${file}`
      : `${file} is not JSON`;
  }
  const missing = FIELDS.filter((f) => typeof parsed[f] !== 'string' || parsed[f] === '');
  if (missing.length > 0) return `${file} lacks ${missing.join(', ')}`;
  return {
    clientId: parsed.clientId as string,
    clientSecret: parsed.clientSecret as string,
    privateKey: parsed.merchantPrivateKeyPem as string,
    dokuPublicKey: parsed.dokuPublicKeyPem as string,
  };
}
