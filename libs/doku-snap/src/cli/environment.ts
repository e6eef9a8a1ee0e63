import { KeyObject } from 'node:crypto';
import { parsePrivateKey, parsePublicKey, pemFrom } from '../credentials';
import { CliError } from './errors';

/** Secrets and keys come only from here, never from arguments (they would land in shell history). */
export type Environment = Readonly<Record<string, string | undefined>>;

const set = (env: Environment, name: string) => (env[name] === '' ? undefined : env[name]);

export function optionalClientSecret(env: Environment): string | undefined {
  return set(env, 'DOKU_CLIENT_SECRET');
}

export function clientSecret(env: Environment): string {
  const secret = optionalClientSecret(env);
  if (secret === undefined) throw new CliError('DOKU_CLIENT_SECRET is not set');
  return secret;
}

export function merchantPrivateKey(env: Environment): KeyObject {
  const pem = pemOf(env, 'DOKU_PRIVATE_KEY');
  if (pem === undefined) throw new CliError('DOKU_PRIVATE_KEY or DOKU_PRIVATE_KEY_FILE is not set');
  return parsePrivateKey('DOKU_PRIVATE_KEY', pem);
}

export function optionalDokuPublicKey(env: Environment): KeyObject | undefined {
  const pem = pemOf(env, 'DOKU_PUBLIC_KEY');
  return pem === undefined ? undefined : parsePublicKey('DOKU_PUBLIC_KEY', pem);
}

export function dokuPublicKey(env: Environment): KeyObject {
  const key = optionalDokuPublicKey(env);
  if (key === undefined) throw new CliError('DOKU_PUBLIC_KEY or DOKU_PUBLIC_KEY_FILE is not set');
  return key;
}

/** `--client-id`, else DOKU_CLIENT_ID. */
export function clientId(flag: string | undefined, env: Environment): string {
  const id = flag ?? set(env, 'DOKU_CLIENT_ID');
  if (id === undefined) throw new CliError('--client-id is required (or set DOKU_CLIENT_ID)');
  return id;
}

function pemOf(env: Environment, name: string): string | undefined {
  const text = set(env, name);
  const file = set(env, `${name}_FILE`);
  return text === undefined && file === undefined ? undefined : pemFrom(name, text, file);
}
