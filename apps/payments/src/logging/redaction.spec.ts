import { describe, expect, it } from 'vitest';
import type { AppConfig } from '../config/app-config';
import { CENSOR, redactSecrets } from './redaction';
import { createRootLogger } from './root-logger';

type Line = Record<string, unknown>;

function logger() {
  const lines: Line[] = [];
  const texts: string[] = [];
  const root = createRootLogger({ logLevel: 'info', role: 'api' } as AppConfig, {
    write: (text: string) => {
      texts.push(text);
      lines.push(JSON.parse(text) as Line);
    },
  });
  return { root, lines, texts };
}

describe('log redaction', () => {
  it('censors secret fields at any depth, in any case, in arrays too; other fields stay', () => {
    const { root, lines, texts } = logger();
    root.info(
      {
        clientSecret: 'cs-value-1',
        headers: {
          Authorization: 'Bearer tok-value-2',
          'X-SIGNATURE': 'sig-value-3',
          'x-client-secret': 'xcs-value-4',
          'Authorization-Customer': 'cust-value-5',
          'content-type': 'application/json',
        },
        deep: { a: { b: { accessToken: 'deep-value-6', kept: 'visible-1' } } },
        calls: [{ token: 'array-value-7', operation: 'refund' }],
        tokenType: 'Bearer',
        PRIVATEKEY: 'pk-value-8',
      },
      'doku call',
    );
    expect(texts.join('')).not.toMatch(/value-\d/);
    expect(lines[0]).toMatchObject({
      msg: 'doku call',
      clientSecret: CENSOR,
      headers: { Authorization: CENSOR, 'X-SIGNATURE': CENSOR, 'content-type': 'application/json' },
      deep: { a: { b: { accessToken: CENSOR, kept: 'visible-1' } } },
      calls: [{ token: CENSOR, operation: 'refund' }],
      tokenType: 'Bearer',
      PRIVATEKEY: CENSOR,
    });
  });

  it('never changes what the caller logged, and hands a line without secrets on as it is', () => {
    const fields = { req: { id: 'r1', method: 'POST', url: '/v1/payments' }, durationMs: 6 };
    expect(redactSecrets(fields)).toBe(fields);

    const { root } = logger();
    const headers = { authorization: 'Bearer kept-by-caller' };
    const list = [{ apiKey: 'k-1' }];
    root.info({ headers, list }, 'x');
    expect(headers.authorization).toBe('Bearer kept-by-caller');
    expect(list[0].apiKey).toBe('k-1');
  });

  it('writes an error carrying a secret as an error, its secret censored and the error itself untouched', () => {
    const { root, lines, texts } = logger();
    const err = Object.assign(new TypeError('DOKU refused'), {
      request: { headers: { Authorization: 'Bearer err-value-9' } },
      responseCode: '4017300',
    });
    root.error({ err }, 'refund failed');
    expect(texts.join('')).not.toContain('err-value-9');
    expect(lines[0].err).toMatchObject({
      type: 'TypeError',
      message: 'DOKU refused',
      stack: expect.stringContaining('TypeError: DOKU refused'),
      request: { headers: { Authorization: CENSOR } },
      responseCode: '4017300',
    });
    expect(err.request.headers.Authorization).toBe('Bearer err-value-9');
  });

  it('censors whatever lies deeper than it reads, and leaves dates and bytes as they are', () => {
    let nested: Record<string, unknown> = { password: 'too-deep-value' };
    for (let i = 0; i < 12; i++) nested = { level: nested };
    const { root, lines, texts } = logger();
    const at = new Date('2026-11-24T00:00:00Z');
    root.info({ nested, at, bytes: Buffer.from('ab') }, 'x');
    expect(texts.join('')).not.toContain('too-deep-value');
    expect(lines[0]).toMatchObject({ at: '2026-11-24T00:00:00.000Z', bytes: { type: 'Buffer' } });
  });

  it('stops early on objects that refer to each other, censoring what it did not read', () => {
    const a: Record<string, unknown> = { name: 'a' };
    const b: Record<string, unknown> = { name: 'b', password: 'cycle-value-12' };
    // Read naively to 8 levels, 10 ways at each: 10^8 objects.
    for (let i = 0; i < 10; i++) a[`to${i}`] = b;
    for (let i = 0; i < 10; i++) b[`to${i}`] = a;
    const { root, texts } = logger();
    root.info({ a }, 'x');
    expect(texts.join('')).not.toContain('cycle-value-12');
  });

  it("censors a child logger's bindings too", () => {
    const { root, texts } = logger();
    root
      .child({ apiKey: 'binding-value-10', role: 'worker' })
      .child({ token: 'binding-value-11', queue: 'refunds' })
      .info('x');
    expect(texts.join('')).not.toMatch(/binding-value/);
    expect(texts[0]).toContain('"role":"worker"');
    expect(texts[0]).toContain('"queue":"refunds"');
  });
});
