import type { NewPayment } from '../../src';

let seq = 0;
/** A payment as the API would record it; `over` replaces fields. */
export const newPayment = (over: Partial<NewPayment> = {}): NewPayment => ({
  partnerReferenceNo: `INV-${Date.now()}-${seq++}`,
  channel: 'DANA',
  amountValue: '15000.00',
  currency: 'IDR',
  channelInput: { returnUrl: 'https://merchant.example/return', deviceId: 'device1' },
  requestBody: '{}',
  submitLeaseMs: 30_000,
  ...over,
});

let idSeq = 0;
/** X-EXTERNAL-IDs, each new. */
export const drawId = () => String(1_000_000_000 + idSeq++);
export const claim = { partnerId: 'BRN-TEST', jakartaDay: '2026-11-24' };
