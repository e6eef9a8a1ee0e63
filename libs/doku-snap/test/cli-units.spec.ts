import { snapPaths } from '../src/channels/registry';
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../src/cli/args';
import { CliError } from '../src/cli/errors';
import { runCli } from '../src/cli/run';
import { inputWarnings } from '../src/cli/warnings';
import { testKeys, vector } from './vectors';

const allowed = ['path', 'token', 'body-file'];

describe('parseFlags', () => {
  it('reads --name value and --name=value', () => {
    expect(parseFlags(['--path', '/a', '--token=x=y', '--body-file', 'f'], allowed)).toEqual({
      path: '/a',
      token: 'x=y',
      'body-file': 'f',
    });
  });

  it.each([
    [['--path'], '--path needs a value'],
    [['--path', '--token', 'x'], '--path needs a value'],
    [['--path='], '--path needs a value'],
    [['--path', '/a', '--path', '/b'], '--path is given twice'],
    [['--nope', 'x'], 'unknown option --nope'],
    [['/a'], 'unexpected argument at position 1'],
  ])('%j -> %s', (args, message) => {
    expect(() => parseFlags(args, allowed)).toThrow(CliError);
    expect(() => parseFlags(args, allowed)).toThrow(message);
  });

  it('never echoes what was typed where an option name belongs', () => {
    for (const args of [
      ['SK-pasted-secret'],
      ['--SK-pasted-secret'],
      ['--path', '/a', 'SK-pasted-secret'],
    ]) {
      try {
        parseFlags(args, allowed);
        throw new Error('expected a CliError');
      } catch (err) {
        expect((err as Error).message).not.toContain('pasted');
      }
    }
  });
});

describe('runCli (in process)', () => {
  const v1 = vector('V1');
  const env = { DOKU_PUBLIC_KEY: testKeys.publicKeyPem, DOKU_CLIENT_SECRET: 'SK-x' };

  it('the token form refuses transactional options', () => {
    const result = runCli(
      [
        'verify',
        '--client-id',
        'A',
        '--timestamp',
        v1.inputs.xTimestamp,
        '--signature',
        'x',
        '--token',
        'T',
      ],
      env,
    );
    expect(result).toEqual({
      exitCode: 2,
      output: { error: '--token: not part of the token form (clientId|timestamp)' },
    });
  });

  it('--client-id next to a body is refused rather than ignored', () => {
    const result = runCli(
      [
        'verify',
        '--client-id',
        'A',
        '--path',
        '/p',
        '--timestamp',
        'T',
        '--body-file',
        '/dev/null',
        '--signature',
        'x',
      ],
      env,
    );
    expect(result.exitCode).toBe(2);
    expect(result.output).toEqual({
      error: '--client-id: selects the token form, which has no --body-file',
    });
  });

  it('a missing or unknown verb is a usage error with the usage', () => {
    for (const argv of [[], ['sing']]) {
      const result = runCli(argv, {});
      expect(result.exitCode).toBe(2);
      expect(result.output).toHaveProperty('usage');
    }
  });

  it('an empty environment variable counts as unset', () => {
    const result = runCli(['sign-token', '--client-id', 'A', '--timestamp', 'T'], {
      DOKU_PRIVATE_KEY: '',
    });
    expect(result.output).toEqual({
      error: 'DOKU_PRIVATE_KEY or DOKU_PRIVATE_KEY_FILE is not set',
    });
  });

  it('a key given both inline and as a file is refused', () => {
    const result = runCli(['sign-token', '--client-id', 'A', '--timestamp', 'T'], {
      DOKU_PRIVATE_KEY: testKeys.privateKeyPem,
      DOKU_PRIVATE_KEY_FILE: '/tmp/key.pem',
    });
    expect(result.exitCode).toBe(2);
    expect(result.output).toEqual({
      error: 'DOKU_PRIVATE_KEY: give the key or its file, not both',
    });
  });
});

describe('inputWarnings', () => {
  it('is quiet for well-formed inputs', () => {
    const v = vector('V2');
    expect(
      inputWarnings({
        method: 'POST',
        path: v.inputs.endpointUrl,
        token: v.inputs.accessToken,
        timestamp: v.inputs.xTimestamp,
        signature: v.expected_signature_base64,
      }),
    ).toEqual([]);
    expect(inputWarnings({ timestamp: '2024-05-17T07:12:50Z', signature: v1Signature() })).toEqual(
      [],
    );
  });

  it.each([
    [{ method: 'post' }, 'upper-cased'],
    [{ path: 'https://api.doku.com/x' }, 'P3'],
    [{ path: 'orders/v1.0/debit/status' }, 'start with "/"'],
    [{ token: 'bearer abc' }, 'P4'],
    [{ timestamp: '2024-05-17 14:12:50' }, 'ISO-8601'],
    [{ timestamp: '2024-05-17T14:12:50' }, 'ISO-8601'],
    [{ signature: 'ab'.repeat(64) }, 'P1'],
    [{ signature: 'abc=' }, 'has 4 characters'],
    [{ path: '/direct-debit/core/v1.0/debit/payment-host-to-host' }, 'DANA, SHOPEEPAY, OVO'],
  ])('%j -> %s', (inputs, text) => {
    const warnings = inputWarnings(inputs);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(text);
  });
});

describe('the paths it knows', () => {
  it.each([
    ['/direct-debit/core/v1/registration-account-binding'],
    ['/direct-debit/core/v1/registration-account-unbinding'],
    ['/direct-debit/core/v1/balance-inquiry'],
    ['/direct-debit/core/v1/debit/refund'],
    ['/v1.0/debit/notify'],
  ])('%s of every channel raises no path warning', (path) => {
    expect(inputWarnings({ path })).toEqual([]);
  });

  it('says which channels do what at a path', () => {
    expect(snapPaths().get('/direct-debit/core/v1/debit/payment-host-to-host')).toEqual([
      'DANA dana_payment',
      'SHOPEEPAY shopeepay_payment',
      'OVO ovo_payment',
    ]);
  });
});

function v1Signature(): string {
  return vector('V1').expected_signature_base64;
}
