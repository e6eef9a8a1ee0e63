import { randomBytes } from 'node:crypto';
import type { QrisTerminal } from '@app/doku-snap';

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
  /** Per virtual-account channel (`VA_BCA` ...), the BIN DOKU assigned at that bank. */
  vaBins: Record<string, string>;
  /** QRIS's credentials (DOKU_QRIS_*), when this deployment has them. */
  qrisTerminal?: QrisTerminal;
}

/** A channel as the settings see it: its name, and whether it needs a BIN (virtual accounts). */
export interface KnownChannel {
  channel: string;
  /** The simulator's BIN for it (virtual accounts), the default in simulator mode. */
  simulatorBin?: string;
  /** The simulator's QRIS terminal (QRIS), the default in simulator mode. */
  simulatorTerminal?: QrisTerminal;
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
  channels: readonly KnownChannel[],
  port: number,
): { settings: ChannelSettings; problems: string[] } {
  const problems: string[] = [];
  const known = channels.map((c) => c.channel);
  const simulatorMode = env.DOKU_CLIENT_ID === undefined;
  const vaBins = vaBinsFrom(env, channels, simulatorMode, problems);
  const qrisTerminal = qrisTerminalFrom(env, channels, simulatorMode, problems);
  const needsTerminal = (name: string) =>
    channels.some((c) => c.channel === name && c.simulatorTerminal !== undefined);
  // A bank without a BIN, QRIS without its terminal, cannot be offered: left out of the
  // default, refused when named.
  const offerable = known.filter(
    (c) =>
      (!isVirtualAccount(channels, c) || vaBins[c] !== undefined) &&
      (!needsTerminal(c) || qrisTerminal !== undefined),
  );
  const enabled =
    env.CHANNELS === undefined
      ? simulatorMode
        ? offerable
        : ['DANA']
      : [...new Set(env.CHANNELS.split(',').map((c) => c.trim().toUpperCase()))];
  const unknown = enabled.filter((c) => !known.includes(c));
  if (unknown.length > 0 || enabled.length === 0)
    problems.push(`CHANNELS: must be a comma-separated list of ${known.join(', ')}`);
  const withoutBin = enabled.filter((c) => isVirtualAccount(channels, c) && !vaBins[c]);
  if (withoutBin.length > 0)
    problems.push(`DOKU_VA_BINS: needs a BIN for ${withoutBin.join(', ')} (enabled in CHANNELS)`);
  if (enabled.some(needsTerminal) && !qrisTerminal)
    problems.push(
      'DOKU_QRIS_MERCHANT_ID, DOKU_QRIS_TERMINAL_ID, DOKU_QRIS_POSTAL_CODE: required once QRIS is enabled',
    );

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
  return {
    settings: {
      enabled,
      dataKeys,
      publicBaseUrl,
      vaBins,
      ...(qrisTerminal ? { qrisTerminal } : {}),
    },
    problems,
  };
}

const QRIS_VARIABLES = [
  ['DOKU_QRIS_MERCHANT_ID', 'merchantId', /^[A-Za-z0-9]{1,64}$/, '1 to 64 letters and digits'],
  ['DOKU_QRIS_TERMINAL_ID', 'terminalId', /^[A-Za-z0-9]{1,16}$/, '1 to 16 letters and digits'],
  ['DOKU_QRIS_POSTAL_CODE', 'postalCode', /^[0-9]{5}$/, 'a 5-digit postal code'],
] as const;

/**
 * DOKU_QRIS_MERCHANT_ID, _TERMINAL_ID and _POSTAL_CODE, all or none; the simulator's underneath
 * in simulator mode.
 */
function qrisTerminalFrom(
  env: Record<string, string | undefined>,
  channels: readonly KnownChannel[],
  simulatorMode: boolean,
  problems: string[],
): QrisTerminal | undefined {
  const simulated = channels.find((c) => c.simulatorTerminal)?.simulatorTerminal;
  const given = QRIS_VARIABLES.filter(([name]) => env[name] !== undefined);
  if (given.length === 0) return simulatorMode && simulated ? { ...simulated } : undefined;
  const terminal = { ...(simulatorMode && simulated ? simulated : {}) } as Record<string, string>;
  for (const [name, field, re, rule] of QRIS_VARIABLES) {
    const value = env[name];
    if (value === undefined) continue;
    if (re.test(value)) terminal[field] = value;
    else problems.push(`${name}: must be ${rule}`);
  }
  if (!simulatorMode && given.length < QRIS_VARIABLES.length) {
    problems.push(
      'DOKU_QRIS_MERCHANT_ID, DOKU_QRIS_TERMINAL_ID, DOKU_QRIS_POSTAL_CODE: give all three',
    );
    return undefined;
  }
  return terminal as unknown as QrisTerminal;
}

const isVirtualAccount = (channels: readonly KnownChannel[], name: string) =>
  channels.some((c) => c.channel === name && c.simulatorBin !== undefined);

/**
 * DOKU_VA_BINS (`VA_BCA=19008,VA_MANDIRI=88899`): the simulator's BINs underneath in simulator
 * mode, none otherwise.
 */
function vaBinsFrom(
  env: Record<string, string | undefined>,
  channels: readonly KnownChannel[],
  simulatorMode: boolean,
  problems: string[],
): Record<string, string> {
  const bins: Record<string, string> = {};
  if (simulatorMode)
    for (const c of channels) if (c.simulatorBin !== undefined) bins[c.channel] = c.simulatorBin;
  if (env.DOKU_VA_BINS === undefined) return bins;
  const banks = channels.filter((c) => c.simulatorBin !== undefined).map((c) => c.channel);
  for (const entry of env.DOKU_VA_BINS.split(',')) {
    const [name, bin, ...rest] = entry.split('=').map((p) => p.trim());
    if (!banks.includes(name.toUpperCase()) || rest.length > 0 || !/^[0-9]{1,8}$/.test(bin ?? '')) {
      problems.push(
        `DOKU_VA_BINS: must be a comma-separated list of BANK=BIN (1 to 8 digits), BANK one of ${banks.join(', ')}`,
      );
      return bins;
    }
    bins[name.toUpperCase()] = bin;
  }
  return bins;
}
