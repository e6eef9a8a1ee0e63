import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_QRIS_TERMINAL, snapTimestamp, validEmvQr } from '@app/doku-snap';
import { ReconciliationService } from '../apps/payments/src/reconciliation/reconciliation.service';
import { settledRefund } from './support/flows';
import { Harness, paymentBody, startHarness } from './support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: {
      CHANNELS: 'DANA,QRIS',
      DOKU_QRIS_MERCHANT_ID: SIMULATED_QRIS_TERMINAL.merchantId,
      DOKU_QRIS_TERMINAL_ID: SIMULATED_QRIS_TERMINAL.terminalId,
      DOKU_QRIS_POSTAL_CODE: SIMULATED_QRIS_TERMINAL.postalCode,
    },
  });
});
afterAll(() => h?.close());

async function createQr(extra: Record<string, unknown> = {}) {
  const { partnerReferenceNo, amount } = paymentBody();
  const res = await h.http
    .post('/v1/payments')
    .set(h.auth)
    .send({ channel: 'QRIS', partnerReferenceNo, amount, ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body as {
    id: string;
    partnerReferenceNo: string;
    status: string;
    referenceNo: string;
    qr: { content: string; expiresAt: string };
  };
}

async function image(path: string) {
  const res = await h.http
    .get(path)
    .set(h.auth)
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  return {
    status: res.status,
    type: res.headers['content-type'] as string,
    body: res.body as Buffer,
  };
}

describe('QRIS', () => {
  it('creates a QR whose EMV string has a valid CRC; the PNG decodes to it, the SVG is an SVG', async () => {
    const created = await createQr();
    expect(created).toMatchObject({ status: 'PENDING', referenceNo: expect.any(String) });
    expect(validEmvQr(created.qr.content)).toBe(true);
    expect(Date.parse(created.qr.expiresAt) - Date.now()).toBeGreaterThan(25 * 60_000);

    for (const [query, side] of [
      ['', 512],
      ['?size=256', 256],
    ] as const) {
      const png = await image(`/v1/payments/${created.id}/qr.png${query}`);
      expect(png.status).toBe(200);
      expect(png.type).toBe('image/png');
      const decoded = PNG.sync.read(png.body);
      expect(decoded.width).toBe(side);
      const read = jsQR(new Uint8ClampedArray(decoded.data), decoded.width, decoded.height);
      expect(read?.data).toBe(created.qr.content);
    }
    const svg = await image(`/v1/payments/${created.id}/qr.svg`);
    expect(svg.status).toBe(200);
    expect(svg.type).toContain('image/svg+xml');
    const text = svg.body.toString('utf8');
    expect(text).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text).toMatch(/<path [^>]*d="M[^"]+"/);
    expect(text.trim().endsWith('</svg>')).toBe(true);

    const bad = await h.http.get(`/v1/payments/${created.id}/qr.png?size=5000`).set(h.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('size');
    const dana = await h.http.post('/v1/payments').set(h.auth).send(paymentBody());
    const none = await h.http.get(`/v1/payments/${dana.body.id}/qr.svg`).set(h.auth);
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('QR_NOT_AVAILABLE');
  });

  it('paid at the simulator, no notification sent: a query makes it PAID; partial and full refunds SUCCEED', async () => {
    const created = await createQr();
    expect(await h.sim.control.payQr(created.partnerReferenceNo)).toBeNull();
    const checked = await h.http.post(`/v1/payments/${created.id}/status-check`).set(h.auth);
    expect(checked.status, checked.text).toBe(200);
    expect(checked.body.status).toBe('PAID');

    const partial = await h.http
      .post(`/v1/payments/${created.id}/refunds`)
      .set(h.auth)
      .send({ amount: { value: '5000.00', currency: 'IDR' } });
    expect(partial.status, partial.text).toBe(202);
    expect((await settledRefund(h, partial.body.id)).status).toBe('SUCCEEDED');
    const rest = await h.http.post(`/v1/payments/${created.id}/refunds`).set(h.auth).send({});
    expect(rest.status).toBe(202);
    expect((await settledRefund(h, rest.body.id)).status).toBe('SUCCEEDED');
    const after = (await h.http.get(`/v1/payments/${created.id}`).set(h.auth)).body;
    expect(after).toMatchObject({ status: 'PAID', fullyRefunded: true });
    expect(h.sim.control.payment(created.partnerReferenceNo)!.refundedTotal).toBe(
      after.refundedAmount.value,
    );
    const refundCall = h.sim.control.log().find((l) => l.operation === 'qris_refund')!;
    expect(JSON.parse(refundCall.body)).toMatchObject({
      originalReferenceNo: created.referenceNo,
      merchantId: SIMULATED_QRIS_TERMINAL.merchantId,
    });
  });

  it('cancel closes the QR at DOKU: CANCELLED, and a wallet can no longer pay it', async () => {
    const created = await createQr();
    const res = await h.http.post(`/v1/payments/${created.id}/cancel`).set(h.auth);
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('CANCELLED');
    expect(h.sim.control.payment(created.partnerReferenceNo)!.latestTransactionStatus).toBe('05');
    await expect(h.sim.control.payQr(created.partnerReferenceNo)).rejects.toThrow(/Cancelled/);
  });

  it('expiry: past validUpTo a query finds it unpaid: EXPIRED', async () => {
    const created = await createQr({ validUpTo: snapTimestamp(Date.now() + 120_000) });
    await h.app.get(ReconciliationService).runOnce(Date.now() + 10 * 60_000);
    const res = await h.http.get(`/v1/payments/${created.id}`).set(h.auth);
    expect(res.body.status).toBe('EXPIRED');
    expect(res.body.lastStatusCheck).toMatchObject({
      responseCode: '2005100',
      transactionStatus: '03',
    });
  });
});
