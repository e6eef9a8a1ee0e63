import { createHash, createHmac, createPrivateKey, sign as rsaSignRaw } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliProcess, TempFiles } from './support/cli';
import { testKeys, vector } from './vectors';

const files = new TempFiles();
afterAll(() => rmSync(files.dir, { recursive: true, force: true }));

const SECRET = vector('V2').inputs.clientSecret!;
const CLIENT_ID = vector('V1').inputs.clientId!;
const env = {
  DOKU_CLIENT_SECRET: SECRET,
  DOKU_PRIVATE_KEY: testKeys.privateKeyPem,
  DOKU_PUBLIC_KEY: testKeys.publicKeyPem,
};

/** Every part of the environment that must never be printed. */
const secretFragments = [
  SECRET,
  ...testKeys.privateKeyPem
    .split('\n')
    .filter((line) => !line.startsWith('-----') && line.length > 0)
    .map((line) => line.slice(0, 24)),
];

function expectNoSecrets(run: { stdout: string; stderr: string }, extra: string[] = []) {
  for (const fragment of [...secretFragments, ...extra]) {
    expect(run.stdout).not.toContain(fragment);
    expect(run.stderr).not.toContain(fragment);
  }
}

/** The body of vector `id` as a person might save it: pretty-printed, in one of several styles. */
function prettyBodyFile(id: string, style: 'two' | 'tabs' | 'crlf' = 'two'): string {
  const body = vector(id).inputs.body;
  const text =
    style === 'tabs'
      ? JSON.stringify(body, null, '\t')
      : style === 'crlf'
        ? JSON.stringify(body, null, 4).replace(/\n/g, '\r\n') + '\r\n'
        : JSON.stringify(body, null, 2) + '\n';
  return files.write(text);
}

const transactional = (id: string) => {
  const v = vector(id);
  return ['--method', 'POST', '--path', v.inputs.endpointUrl!, '--timestamp', v.inputs.xTimestamp];
};

describe.concurrent('snap sign-token', () => {
  const v1 = vector('V1');
  const expected = { stringToSign: v1.stringToSign, signature: v1.expected_signature_base64 };

  it('reproduces V1', async () => {
    const run = await runCliProcess(
      ['sign-token', '--client-id', CLIENT_ID, '--timestamp', v1.inputs.xTimestamp],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.json).toEqual(expected);
    expect(run.stderr).toBe('');
    expectNoSecrets(run);
  });

  it('takes the client id from DOKU_CLIENT_ID and a one-line key with literal \\n', async () => {
    const run = await runCliProcess(['sign-token', '--timestamp', v1.inputs.xTimestamp], {
      DOKU_CLIENT_ID: CLIENT_ID,
      DOKU_PRIVATE_KEY: testKeys.privateKeyPem.trim().replace(/\n/g, '\\n'),
    });
    expect(run.json).toEqual(expected);
  });

  it('reads the key from DOKU_PRIVATE_KEY_FILE', async () => {
    const keyFile = files.write(testKeys.privateKeyPem, 'merchant.pem');
    const run = await runCliProcess(
      ['sign-token', '--client-id', CLIENT_ID, '--timestamp', v1.inputs.xTimestamp],
      { DOKU_PRIVATE_KEY_FILE: keyFile },
    );
    expect(run.json).toEqual(expected);
  });
});

describe.concurrent('snap sign', () => {
  for (const [id, style] of [
    ['V2', 'two'],
    ['V3', 'tabs'],
    ['V4', 'crlf'],
    ['V5', 'two'],
  ] as const) {
    it(`reproduces ${id} from a pretty-printed body (${style})`, async () => {
      const v = vector(id);
      const run = await runCliProcess(
        [
          'sign',
          ...transactional(id),
          '--token',
          v.inputs.accessToken!,
          '--body-file',
          prettyBodyFile(id, style),
        ],
        env,
      );
      expect(run.code).toBe(0);
      expect(run.json).toEqual({
        minifiedBody: v.minified_body,
        bodyHash: v.body_sha256_lowerhex,
        stringToSign: v.stringToSign,
        signature: v.expected_signature_base64,
      });
      expectNoSecrets(run);
    });
  }

  it('signs an empty body (empty file) over the hash of the empty string', async () => {
    const run = await runCliProcess(
      [
        'sign',
        '--path',
        '/orders/v1.0/debit/status',
        '--token',
        'T',
        '--timestamp',
        '2024-05-17T14:20:00+07:00',
        '--body-file',
        files.write(''),
      ],
      env,
    );
    expect(run.json.bodyHash).toBe(createHash('sha256').update('').digest('hex'));
    expect(run.json.minifiedBody).toBe('');
  });

  it('warns about a full URL and a "Bearer " token, and still signs what it was given', async () => {
    const run = await runCliProcess(
      [
        'sign',
        '--path',
        'https://api-sandbox.doku.com/orders/v1.0/debit/status',
        '--token',
        'Bearer abc',
        '--timestamp',
        '2024-05-17T14:20:00.5+07:00',
        '--body-file',
        prettyBodyFile('V4'),
      ],
      env,
    );
    expect(run.code).toBe(0);
    const warnings = run.json.warnings as string[];
    expect(warnings.some((w) => w.includes('P3'))).toBe(true);
    expect(warnings.some((w) => w.includes('P4'))).toBe(true);
    expect(warnings.some((w) => w.includes('whole seconds'))).toBe(true);
    expect(run.json.stringToSign).toMatch(
      /^POST:https:\/\/api-sandbox\.doku\.com\/orders\/v1\.0\/debit\/status:Bearer abc:/,
    );
  });
});

describe.concurrent('snap sign and verify with awkward bodies', () => {
  const awkward = {
    partnerReferenceNo: 'INV / 2024 & co <b>',
    reason: '  two leading spaces,\ttab and "quotes" \\ backslash',
    orderTitle: 'Pembayaran – kopi ☕ ü',
    url: 'https://m.example/r?a=1&b=<2>',
    emoji: '𝄞 and 🇮🇩',
    nested: { list: [1, true, null, 'x y'] },
  };
  const compact = JSON.stringify(awkward);
  const path = '/direct-debit/core/v1/debit/payment-host-to-host';
  const token = 'tok.en-1';
  const timestamp = '2024-05-17T14:12:50+07:00';
  // Computed here with node:crypto directly, not with the library under test.
  const hash = createHash('sha256').update(Buffer.from(compact, 'utf8')).digest('hex');
  const stringToSign = `POST:${path}:${token}:${hash}:${timestamp}`;
  const hmac = createHmac('sha512', Buffer.from(SECRET, 'utf8'))
    .update(stringToSign, 'utf8')
    .digest('base64');
  const rsa = rsaSignRaw(
    'sha256',
    Buffer.from(`POST:${path}:${hash}:${timestamp}`, 'utf8'),
    createPrivateKey(testKeys.privateKeyPem),
  ).toString('base64');

  for (const [style, text] of [
    ['compact', compact],
    ['pretty', JSON.stringify(awkward, null, 2)],
    ['pretty with tabs and CRLF', JSON.stringify(awkward, null, '\t').replace(/\n/g, '\r\n')],
  ] as const) {
    it(`sign: ${style}`, async () => {
      const run = await runCliProcess(
        [
          'sign',
          '--method',
          'POST',
          '--path',
          path,
          '--token',
          token,
          '--timestamp',
          timestamp,
          '--body-file',
          files.write(text),
        ],
        env,
      );
      expect(run.code).toBe(0);
      expect(run.json).toEqual({
        minifiedBody: compact,
        bodyHash: hash,
        stringToSign,
        signature: hmac,
      });
    });
  }

  it('verify: HMAC and RSA signatures over the pretty-printed body', async () => {
    const body = files.write(JSON.stringify(awkward, null, 3));
    const base = ['verify', '--path', path, '--timestamp', timestamp, '--body-file', body];
    const [withHmac, withRsa] = await Promise.all([
      runCliProcess([...base, '--token', token, '--signature', hmac], env),
      runCliProcess([...base, '--signature', rsa], env),
    ]);
    const minifiedOnly = {
      valid: true,
      bodyFile: 'minified',
      warnings: [expect.stringContaining('only the minified form of the file matched')],
    };
    expect([withHmac.code, withHmac.json]).toEqual([0, { ...minifiedOnly, form: 'HMAC' }]);
    expect([withRsa.code, withRsa.json]).toEqual([0, { ...minifiedOnly, form: 'RSA' }]);
  });

  it('verify: the file as given, when it holds the bytes signed, without a warning', async () => {
    const body = files.write(compact);
    const run = await runCliProcess(
      [
        'verify',
        ...['--path', path, '--timestamp', timestamp, '--body-file', body],
        ...['--token', token, '--signature', hmac],
      ],
      env,
    );
    expect([run.code, run.json]).toEqual([0, { valid: true, form: 'HMAC', bodyFile: 'as-given' }]);
  });
});

describe.concurrent('snap verify', () => {
  for (const id of ['V2', 'V3', 'V4', 'V5']) {
    it(`${id}: HMAC form`, async () => {
      const v = vector(id);
      const run = await runCliProcess(
        [
          'verify',
          ...transactional(id),
          '--token',
          v.inputs.accessToken!,
          '--body-file',
          prettyBodyFile(id),
          '--signature',
          v.expected_signature_base64,
        ],
        env,
      );
      expect(run.code).toBe(0);
      expect(run.json).toMatchObject({ valid: true, form: 'HMAC', bodyFile: 'minified' });
      expectNoSecrets(run);
    });
  }

  it('V6: RSA form with DOKU_PUBLIC_KEY_FILE, no token needed', async () => {
    const v = vector('V6');
    const run = await runCliProcess(
      [
        'verify',
        ...transactional('V6'),
        '--body-file',
        prettyBodyFile('V6', 'crlf'),
        '--signature',
        v.expected_signature_base64,
      ],
      { DOKU_PUBLIC_KEY_FILE: files.write(testKeys.publicKeyPem, 'doku.pub.pem') },
    );
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ valid: true, form: 'RSA', bodyFile: 'minified' });
  });

  it('V1: the token form, selected by --client-id without a body', async () => {
    const v = vector('V1');
    const args = ['verify', '--client-id', CLIENT_ID, '--timestamp', v.inputs.xTimestamp];
    const [good, bad] = await Promise.all([
      runCliProcess([...args, '--signature', v.expected_signature_base64], {
        DOKU_PUBLIC_KEY: testKeys.publicKeyPem,
      }),
      runCliProcess([...args, '--signature', vector('V6').expected_signature_base64], {
        DOKU_PUBLIC_KEY: testKeys.publicKeyPem,
      }),
    ]);
    expect([good.code, good.json]).toEqual([0, { valid: true, form: 'RSA' }]);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({
      valid: false,
      tried: ['RSA'],
      stringToSign: { token: v.stringToSign },
    });
  });

  it('a tampered body: exit 1 and the parts computed, the body hash showing the difference', async () => {
    const v = vector('V2');
    const tampered = JSON.stringify(v.inputs.body, null, 2).replace('15000.00', '15001.00');
    const run = await runCliProcess(
      [
        'verify',
        ...transactional('V2'),
        '--token',
        v.inputs.accessToken!,
        '--body-file',
        files.write(tampered),
        '--signature',
        v.expected_signature_base64,
      ],
      env,
    );
    expect(run.code).toBe(1);
    const minified = v.minified_body!.replace('15000.00', '15001.00');
    const hash = createHash('sha256').update(minified).digest('hex');
    expect(run.json).toMatchObject({
      valid: false,
      tried: ['HMAC', 'RSA'],
      signatureLength: 88,
      minifiedBody: minified,
      bodyHash: hash,
      stringToSign: {
        hmac: v.stringToSign.replace(v.body_sha256_lowerhex!, hash),
        rsa: `POST:${v.inputs.endpointUrl}:${hash}:${v.inputs.xTimestamp}`,
      },
    });
    expect((run.json.expectedSignature as { hmac: string }).hmac).not.toBe(
      v.expected_signature_base64,
    );
    expect(run.json.rawBodyHash).toBeDefined();
    expectNoSecrets(run);
  });

  it('another token: the body hash agrees, the string to sign shows the token used', async () => {
    const v = vector('V3');
    const run = await runCliProcess(
      [
        'verify',
        ...transactional('V3'),
        '--token',
        'other-token',
        '--body-file',
        prettyBodyFile('V3'),
        '--signature',
        v.expected_signature_base64,
      ],
      { DOKU_CLIENT_SECRET: SECRET },
    );
    expect(run.code).toBe(1);
    expect(run.json).toMatchObject({
      valid: false,
      tried: ['HMAC'],
      notTried: { RSA: 'DOKU_PUBLIC_KEY is not set' },
      bodyHash: v.body_sha256_lowerhex,
    });
    expect((run.json.stringToSign as { hmac: string }).hmac).toContain(':other-token:');
  });

  it('a hex signature gets a hint (P1)', async () => {
    const v = vector('V4');
    const hex = Buffer.from(v.expected_signature_base64, 'base64').toString('hex');
    const run = await runCliProcess(
      [
        'verify',
        ...transactional('V4'),
        '--token',
        v.inputs.accessToken!,
        '--body-file',
        prettyBodyFile('V4'),
        '--signature',
        hex,
      ],
      env,
    );
    expect(run.code).toBe(1);
    expect((run.json.warnings as string[]).some((w) => w.includes('P1'))).toBe(true);
  });
});

describe.concurrent('snap: usage errors and secrets', () => {
  const v2 = vector('V2');

  const cases: [string, string[], Record<string, string>][] = [
    ['no verb', [], env],
    ['unknown verb', ['frobnicate'], env],
    [
      'unknown option',
      ['sign-token', '--client-id', 'A', '--timestamp', 'T', '--secret', SECRET],
      env,
    ],
    ['secret pasted as an argument', ['sign', SECRET], env],
    ['secret pasted as an option name', ['sign', `--${SECRET}`], env],
    [
      'missing --path',
      ['sign', '--token', 'T', '--timestamp', 'T', '--body-file', '/dev/null'],
      env,
    ],
    [
      'DOKU_CLIENT_SECRET unset',
      ['sign', '--path', '/p', '--token', 'T', '--timestamp', 'T', '--body-file', '/dev/null'],
      {},
    ],
    [
      'garbage private key',
      ['sign-token', '--client-id', 'A', '--timestamp', 'T'],
      { DOKU_PRIVATE_KEY: 'garbage-private-key-material-XYZ' },
    ],
    [
      'unreadable key file',
      ['sign-token', '--client-id', 'A', '--timestamp', 'T'],
      { DOKU_PRIVATE_KEY_FILE: '/nonexistent/key.pem' },
    ],
    [
      'body file that is not JSON',
      [
        'sign',
        '--path',
        '/p',
        '--token',
        'T',
        '--timestamp',
        'T',
        '--body-file',
        files.write('{"a": '),
      ],
      env,
    ],
    [
      'verify with no key at all',
      [
        'verify',
        '--path',
        '/p',
        '--token',
        'T',
        '--timestamp',
        'T',
        '--body-file',
        '/dev/null',
        '--signature',
        v2.expected_signature_base64,
      ],
      {},
    ],
  ];
  for (const [why, args, environment] of cases) {
    it(`${why}: exit 2, one JSON error, no stack trace, no secret`, async () => {
      const run = await runCliProcess(args, environment);
      expect(run.code).toBe(2);
      expect(typeof run.json.error).toBe('string');
      expect(run.stdout).not.toMatch(/\n\s+at /);
      expect(run.stderr).toBe('');
      expectNoSecrets(run, ['garbage-private-key-material']);
    });
  }

  it('help: exit 0 with the usage', async () => {
    const run = await runCliProcess(['help']);
    expect(run.code).toBe(0);
    expect(run.json.usage).toEqual(expect.arrayContaining([expect.stringContaining('sign-token')]));
  });

  it('runs through the npm script', async () => {
    const v1 = vector('V1');
    const run = await runCliProcess(
      ['sign-token', '--client-id', CLIENT_ID, '--timestamp', v1.inputs.xTimestamp],
      env,
      { file: 'npm', args: ['run', '--silent', 'snap', '--'] },
    );
    expect(run.code).toBe(0);
    expect(run.json).toEqual({
      stringToSign: v1.stringToSign,
      signature: v1.expected_signature_base64,
    });
    expectNoSecrets(run);
  });
});
