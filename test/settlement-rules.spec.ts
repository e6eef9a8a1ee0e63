import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ServiceCode, SnapCredentials } from '@app/doku-snap';
import { PaymentEntity } from '@app/persistence';
import { sameMoney } from '../apps/payments/src/common/money';
import { parsePaymentNotification } from '../apps/payments/src/notifications/notification-body';
import { NotificationTokenService } from '../apps/payments/src/notifications/notification-token.service';
import { snapErrors } from '../apps/payments/src/notifications/snap-error';
import { expiryDeadline } from '../apps/payments/src/reconciliation/expiry';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const credentials: SnapCredentials = {
  clientId: 'BRN-0201-1690274481481',
  clientSecret: 'SK-abcdefghijklmnopqrst',
  merchantPrivateKey: privateKey,
  dokuPublicKey: publicKey,
};

describe('NotificationTokenService', () => {
  const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);

  it('accepts its own token for 900 s and not a second longer', () => {
    let now = T0;
    const service = new NotificationTokenService(credentials, { now: () => now });
    const { accessToken, expiresIn } = service.issue();
    expect(expiresIn).toBe(900);
    now = T0 + 899_999;
    expect(service.verify(accessToken)).toBe(true);
    now = T0 + 900_000;
    expect(service.verify(accessToken)).toBe(false);
  });

  it('another replica with the same secret accepts it; another secret or client id does not', () => {
    const clock = { now: () => T0 };
    const token = new NotificationTokenService(credentials, clock).issue().accessToken;
    expect(new NotificationTokenService(credentials, clock).verify(token)).toBe(true);
    expect(
      new NotificationTokenService({ ...credentials, clientSecret: 'SK-other' }, clock).verify(
        token,
      ),
    ).toBe(false);
    expect(
      new NotificationTokenService({ ...credentials, clientId: 'BRN-other' }, clock).verify(token),
    ).toBe(false);
  });

  it('is never keyed with the client secret itself, and tokens are distinct', () => {
    const service = new NotificationTokenService(credentials, { now: () => T0 });
    const [a, b] = [service.issue().accessToken, service.issue().accessToken];
    expect(a).not.toBe(b);
    expect(a).not.toContain(credentials.clientSecret);
    for (const junk of [
      '',
      'v1..',
      'v1.e30.AAAA',
      `${a}x`,
      a.replace('v1.', 'v2.'),
      a.toUpperCase(),
    ]) {
      expect(service.verify(junk)).toBe(false);
    }
  });
});

describe('parsePaymentNotification', () => {
  const errors = snapErrors(ServiceCode.DEBIT_NOTIFY);
  const body = {
    originalPartnerReferenceNo: 'INV-1',
    originalReferenceNo: '123',
    latestTransactionStatus: '00',
    amount: { value: '15000.00', currency: 'IDR' },
    unknownFieldDokuMayAdd: { anything: true },
  };

  it('reads the fields it needs and ignores the others', () => {
    expect(parsePaymentNotification(Buffer.from(JSON.stringify(body)), errors)).toEqual({
      originalPartnerReferenceNo: 'INV-1',
      originalReferenceNo: '123',
      originalExternalId: null,
      latestTransactionStatus: '00',
      transactionStatusDesc: null,
      amount: { value: '15000.00', currency: 'IDR' },
    });
  });

  it('names the field it refuses', () => {
    const refuse = (b: unknown) => {
      try {
        parsePaymentNotification(Buffer.from(JSON.stringify(b)), errors);
      } catch (err) {
        return err as { responseCode: string; responseMessage: string };
      }
      return undefined;
    };
    expect(refuse({ ...body, latestTransactionStatus: '01' })).toMatchObject({
      responseCode: '4005601',
      responseMessage: 'Invalid Field Format latestTransactionStatus',
    });
    expect(refuse({ ...body, amount: { value: '1.5', currency: 'IDR' } })).toMatchObject({
      responseMessage: 'Invalid Field Format amount.value',
    });
    expect(refuse({ ...body, originalPartnerReferenceNo: '' })).toMatchObject({
      responseCode: '4005602',
    });
  });
});

describe('sameMoney', () => {
  it('compares minor units and currency', () => {
    expect(
      sameMoney({ value: '015000.00', currency: 'IDR' }, { value: '15000.00', currency: 'IDR' }),
    ).toBe(true);
    expect(
      sameMoney({ value: '15000.01', currency: 'IDR' }, { value: '15000.00', currency: 'IDR' }),
    ).toBe(false);
    expect(
      sameMoney({ value: '15000.00', currency: 'USD' }, { value: '15000.00', currency: 'IDR' }),
    ).toBe(false);
  });
});

describe('expiryDeadline', () => {
  const created = new Date('2025-01-01T00:00:00Z');
  const payment = (validUpTo: string | null) =>
    Object.assign(new PaymentEntity(), { validUpTo, createdAt: created });

  it('is validUpTo when there is one, whatever its offset', () => {
    expect(expiryDeadline(payment('2025-01-01T07:30:00+07:00'), 86_400_000)).toEqual({
      atMs: Date.parse('2025-01-01T00:30:00Z'),
      reason: 'valid_up_to_passed',
    });
  });

  it('is creation plus the max age otherwise', () => {
    expect(expiryDeadline(payment(null), 86_400_000)).toEqual({
      atMs: created.getTime() + 86_400_000,
      reason: 'max_age_exceeded',
    });
  });
});
