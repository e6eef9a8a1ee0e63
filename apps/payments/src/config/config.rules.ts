import ipaddr from 'ipaddr.js';
import { CredentialsError, parsePrivateKey, parsePublicKey, pemFrom } from '@app/doku-snap';

/** The raw environment, empty values already removed. */
type RawEnv = Record<string, string | undefined>;

const SIMULATOR_HINT = 'or set none to run on the embedded simulator';

/**
 * Rules that tie variables together. They read the raw strings so they run even when a single
 * variable is malformed: the operator gets every problem at once, one line each, by name.
 */
export function crossFieldProblems(env: RawEnv): string[] {
  const problems: string[] = [];
  const has = (name: string) => env[name] !== undefined;

  for (const key of ['DOKU_PRIVATE_KEY', 'DOKU_PUBLIC_KEY']) {
    if (has(key) && has(`${key}_FILE`))
      problems.push(`${key}: set ${key} or ${key}_FILE, not both`);
  }

  const credentials: [string, boolean][] = [
    ['DOKU_CLIENT_ID', has('DOKU_CLIENT_ID')],
    ['DOKU_CLIENT_SECRET', has('DOKU_CLIENT_SECRET')],
    ['DOKU_PRIVATE_KEY', has('DOKU_PRIVATE_KEY') || has('DOKU_PRIVATE_KEY_FILE')],
    ['DOKU_PUBLIC_KEY', has('DOKU_PUBLIC_KEY') || has('DOKU_PUBLIC_KEY_FILE')],
  ];
  const given = credentials.filter(([, set]) => set).length;
  if (given > 0 && given < credentials.length) {
    for (const [name, set] of credentials) {
      if (set) continue;
      const orFile = name.endsWith('_KEY') ? ` (or ${name}_FILE)` : '';
      problems.push(
        `${name}${orFile}: required once any DOKU credential is set (${SIMULATOR_HINT})`,
      );
    }
  }
  const simulatorFile = has('DOKU_SIMULATOR_CREDENTIALS_FILE');
  if (simulatorFile && given > 0) {
    problems.push(
      'DOKU_SIMULATOR_CREDENTIALS_FILE: set it or the DOKU_CLIENT_ID/SECRET/keys credentials, not both',
    );
  }
  if ((given === credentials.length || simulatorFile) && !has('DOKU_BASE_URL')) {
    problems.push(
      simulatorFile
        ? 'DOKU_BASE_URL: required with DOKU_SIMULATOR_CREDENTIALS_FILE (the standalone simulator URL)'
        : 'DOKU_BASE_URL: required with real DOKU credentials (e.g. https://api-sandbox.doku.com)',
    );
  }
  // Real credentials put an access token on every call: never in clear text to another machine.
  if (
    given === credentials.length &&
    has('DOKU_BASE_URL') &&
    !privateTransport(env.DOKU_BASE_URL!)
  ) {
    problems.push(
      'DOKU_BASE_URL: must be https:// with real DOKU credentials (http:// only to this machine, e.g. a local simulator)',
    );
  }
  // Without this rule a forgotten secret would silently turn a production deployment into a
  // simulator run that takes no real money.
  if (has('DOKU_BASE_URL') && given === 0 && !simulatorFile) {
    problems.push(
      'DOKU_BASE_URL: set without DOKU credentials: set DOKU_CLIENT_ID, DOKU_CLIENT_SECRET, ' +
        'DOKU_PRIVATE_KEY[_FILE] and DOKU_PUBLIC_KEY[_FILE] too, or unset DOKU_BASE_URL to run on the embedded simulator',
    );
  }

  if (has('BULL_BOARD_USER') !== has('BULL_BOARD_PASSWORD')) {
    problems.push(
      `${has('BULL_BOARD_USER') ? 'BULL_BOARD_PASSWORD' : 'BULL_BOARD_USER'}: BULL_BOARD_USER and BULL_BOARD_PASSWORD go together`,
    );
  }

  // The dashboard can retry and remove jobs, and its login is HTTP basic auth: a password as
  // long as an API key.
  if (has('BULL_BOARD_PASSWORD') && env.BULL_BOARD_PASSWORD!.length < 16) {
    problems.push('BULL_BOARD_PASSWORD: must be at least 16 characters');
  }

  if (has('API_KEYS')) {
    const keys = env.API_KEYS!.split(',').map((k) => k.trim());
    if (keys.some((k) => k.length < 16)) {
      problems.push(
        'API_KEYS: every key must be at least 16 characters (comma-separated, no empty entries)',
      );
    }
  }
  if (has('WEBHOOK_ALLOWED_CIDRS')) {
    for (const cidr of env.WEBHOOK_ALLOWED_CIDRS!.split(',').map((c) => c.trim())) {
      if (!ipaddr.isValidCIDR(cidr))
        problems.push(
          `WEBHOOK_ALLOWED_CIDRS: ${cidr} is not a CIDR range (comma-separated, e.g. 10.0.0.0/8,fd00::/8)`,
        );
    }
  }
  return problems;
}

/**
 * The keys themselves, when all credentials are given: a key that does not parse must stop the
 * start, named by its variable, rather than fail the first payment.
 */
export function keyProblems(env: RawEnv): string[] {
  const problems: string[] = [];
  const check = (name: string, parse: (label: string, pem: string) => unknown) => {
    const file = env[`${name}_FILE`];
    const label = file !== undefined ? `${name}_FILE` : name;
    try {
      parse(label, pemFrom(label, env[name], file));
    } catch (err) {
      if (!(err instanceof CredentialsError)) throw err;
      // The library's messages name the variable (and the file's path), never the key.
      problems.push(err.message);
    }
  };
  const has = (name: string) => env[name] !== undefined || env[`${name}_FILE`] !== undefined;
  if (has('DOKU_PRIVATE_KEY') && !(env.DOKU_PRIVATE_KEY && env.DOKU_PRIVATE_KEY_FILE))
    check('DOKU_PRIVATE_KEY', parsePrivateKey);
  if (has('DOKU_PUBLIC_KEY') && !(env.DOKU_PUBLIC_KEY && env.DOKU_PUBLIC_KEY_FILE))
    check('DOKU_PUBLIC_KEY', parsePublicKey);
  return problems;
}

/** https, or http to this machine's loopback. A URL that does not parse is the schema's to report. */
function privateTransport(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (parsed.protocol === 'https:') return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}
