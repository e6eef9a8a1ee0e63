import { randomBytes } from 'node:crypto';

/** A 32-byte AES-256 key. Never logged: it is the secret. */
export type DataKey = Buffer & { readonly __dataKey: unique symbol };

/** What the channels of this deployment need from the environment. */
export interface ChannelSettings {
  /** The channels offered, by name (`DANA`, `OVO` ...). */
  enabled: string[];
  /**
   * Keys of the customer tokens at rest: the first encrypts, every one decrypts (a rotation lists
   * the new key in DATA_ENCRYPTION_KEY and the old ones in DATA_ENCRYPTION_PREVIOUS_KEYS).
   */
  dataKeys: DataKey[];
  /** The service's public URL: where DOKU sends customers back after binding. */
  publicBaseUrl: string;
}

const KEY_RULE = 'the base64 of 32 random bytes (openssl rand -base64 32)';

function dataKey(text: string): DataKey | undefined {
  const key = Buffer.from(text, 'base64');
  return key.length === 32 && key.toString('base64') === text ? (key as DataKey) : undefined;
}

/**
 * CHANNELS, DATA_ENCRYPTION_KEY (and _PREVIOUS_KEYS) and PUBLIC_BASE_URL. Simulator mode offers
 * every channel and makes a key per run (its tokens die with the simulator anyway); with real
 * credentials DANA alone is offered unless CHANNELS says more, and a bound wallet needs a key.
 * Problems name the variable and never a value.
 */
export function channelSettingsFrom(
  env: Record<string, string | undefined>,
  known: readonly string[],
  port: number,
): { settings: ChannelSettings; problems: string[] } {
  const problems: string[] = [];
  const simulatorMode = env.DOKU_CLIENT_ID === undefined;
  const enabled =
    env.CHANNELS === undefined
      ? simulatorMode
        ? [...known]
        : ['DANA']
      : [...new Set(env.CHANNELS.split(',').map((c) => c.trim().toUpperCase()))];
  const unknown = enabled.filter((c) => !known.includes(c));
  if (unknown.length > 0 || enabled.length === 0)
    problems.push(`CHANNELS: must be a comma-separated list of ${known.join(', ')}`);

  const dataKeys: DataKey[] = [];
  const given = [
    ['DATA_ENCRYPTION_KEY', env.DATA_ENCRYPTION_KEY],
    ...(env.DATA_ENCRYPTION_PREVIOUS_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '')
      .map((k) => ['DATA_ENCRYPTION_PREVIOUS_KEYS', k]),
  ];
  if (env.DATA_ENCRYPTION_PREVIOUS_KEYS !== undefined && env.DATA_ENCRYPTION_KEY === undefined)
    problems.push('DATA_ENCRYPTION_PREVIOUS_KEYS: needs DATA_ENCRYPTION_KEY (the current key)');
  for (const [name, text] of given) {
    if (text === undefined) continue;
    const key = dataKey(text);
    if (key) dataKeys.push(key);
    else if (!problems.some((p) => p.startsWith(`${name}:`)))
      problems.push(`${name}: must be ${KEY_RULE}`);
  }
  if (dataKeys.length === 0 && simulatorMode) dataKeys.push(randomBytes(32) as DataKey);
  if (dataKeys.length === 0 && enabled.includes('OVO') && env.DATA_ENCRYPTION_KEY === undefined)
    problems.push(`DATA_ENCRYPTION_KEY: required once OVO is enabled; must be ${KEY_RULE}`);

  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return { settings: { enabled, dataKeys, publicBaseUrl }, problems };
}
