import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_QRIS_TERMINAL, snapTimestamp, validEmvQr } from '@app/doku-snap';
import { ReconciliationService } from '../apps/payments/src/reconciliation/reconciliation.service';
import { paymentStatusChanges, settledRefund } from './support/flows';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QrConfirmationWorker } from '../apps/payments/src/qr-confirmations/qr-confirmation.worker';
import { QR_CONFIRMATIONS_QUEUE } from '../apps/payments/src/queues/queue-names';
import { launchChromium } from './support/browser';
import { DokuSignature, notifyAsDoku } from './support/doku-notify';
import { waitFor } from './support/wait';
import { Harness, paymentBody, startHarness } from './support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: {
      CHANNELS: 'DANA,QRIS',
      DOKU_QRIS_MERCHANT_ID: SIMULATED_QRIS_TERMINAL.merchantId,
      DOKU_QRIS_TERMINAL_ID: SIMULATED_QRIS_TERMINAL.terminalId,
      DOKU_QRIS_POSTAL_CODE: SIMULATED_QRIS_TERMINAL.postalCode,
      // The cadence's shape (fast, then slower), in tenths of a second for a test.
      QRIS_QUERY_INTERVALS_MS: '100*20,400',
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

/** The sum of a /metrics counter's series that carry `labels`. */
async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return (await h.http.get('/metrics')).text
    .split('\n')
    .filter((l) => new RegExp(`^${name}[{ ]`).test(l) && wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
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

  it('the SVG, drawn by a browser, reads back as the QR', async () => {
    const created = await createQr();
    const svg = await image(`/v1/payments/${created.id}/qr.svg`);
    expect(svg.status).toBe(200);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 600, height: 600 } });
      // An SVG that does not parse is a broken image: nothing to read.
      await page.setContent(
        `<body style="margin:0;background:#fff"><img id="qr" width="400" height="400" ` +
          `src="data:image/svg+xml;base64,${svg.body.toString('base64')}"></body>`,
      );
      const shot = PNG.sync.read(await page.locator('#qr').screenshot());
      const read = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
      expect(read?.data).toBe(created.qr.content);
    } finally {
      await browser.close();
    }
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

  it('paid at the simulator, no notification: PAID by the scheduled queries alone, within the fast window', async () => {
    const settledBefore = await counter('qris_confirmation_queries_total', {
      trigger: 'cadence',
      result: 'settled',
    });
    const created = await createQr();
    const queriesOf = () =>
      h.sim.control
        .log()
        .filter((l) => l.operation === 'qris_query' && l.body.includes(created.partnerReferenceNo));
    await waitFor(() => (queriesOf().length >= 2 ? true : undefined), 10_000, 'two queries');
    expect(await h.sim.control.payQr(created.partnerReferenceNo)).toBeNull();
    await waitFor(
      async () => {
        const res = await h.http.get(`/v1/payments/${created.id}`).set(h.auth);
        return res.body.status === 'PAID' ? true : undefined;
      },
      10_000,
      'PAID by query',
    );
    const changes = await paymentStatusChanges(h, created.id);
    expect(changes.map((c) => [c.to_status, c.source])).toEqual([
      ['PENDING', 'api'],
      ['PAID', 'status_check'],
    ]);
    const asked = queriesOf().length;
    expect(asked).toBeLessThanOrEqual(30);
    // What it cost at DOKU is counted: the query that found it paid among them.
    expect(
      await counter('qris_confirmation_queries_total', { trigger: 'cadence', result: 'settled' }),
    ).toBeGreaterThanOrEqual(settledBefore + 1);
    // Settled: the chain stops asking.
    await new Promise((r) => setTimeout(r, 500));
    expect(queriesOf().length).toBeLessThanOrEqual(asked + 1);
  });

  it('its jobs lost (a worker restart with Redis emptied): the sweep restarts the queries, and the paid QR is PAID', async () => {
    const created = await createQr();
    const queue = h.app.get<Queue>(getQueueToken(QR_CONFIRMATIONS_QUEUE));
    await waitFor(
      () =>
        h.sim.control
          .log()
          .some((l) => l.operation === 'qris_query' && l.body.includes(created.partnerReferenceNo))
          ? true
          : undefined,
      10_000,
      'a first query',
    );
    // Every job of the QR's chain gone, as when Redis lost them: none running, none waiting.
    await queue.pause();
    await waitFor(async () => ((await queue.getActiveCount()) === 0 ? true : undefined));
    for (const job of await queue.getJobs(['delayed', 'waiting', 'prioritized']))
      if (job.id?.startsWith(`qr-${created.id}-`)) await job.remove().catch(() => undefined);
    await queue.resume();
    await h.sim.control.payQr(created.partnerReferenceNo);
    const restartsBefore = await counter('qris_confirmation_restarts_total');
    const sweep = h.app.get(QrConfirmationWorker);
    let restarted = 0;
    await waitFor(
      async () => {
        restarted += await sweep.sweep();
        const res = await h.http.get(`/v1/payments/${created.id}`).set(h.auth);
        return res.body.status === 'PAID' ? true : undefined;
      },
      15_000,
      'PAID after the sweep',
    );
    expect(restarted).toBeGreaterThanOrEqual(1);
    expect(await counter('qris_confirmation_restarts_total')).toBeGreaterThanOrEqual(
      restartsBefore + restarted,
    );
  });

  it('a QRIS notification is a hint only: verified (forged: 401), acknowledged, and the QR queried; saying paid does not make it PAID', async () => {
    const created = await createQr();
    const path = '/v1.0/qr/qr-mpm-notify';
    const body = JSON.stringify({
      originalPartnerReferenceNo: created.partnerReferenceNo,
      originalReferenceNo: created.referenceNo,
      latestTransactionStatus: '00',
      transactionStatusDesc: 'Success',
      amount: { value: '15000.00', currency: 'IDR' },
    });
    const send = (sign: DokuSignature) => notifyAsDoku(h, path, body, sign);
    const forged = await send('forged');
    expect(forged.status).toBe(401);
    const queriesBefore = h.sim.control.log().filter((l) => l.operation === 'qris_query').length;
    const hintsBefore = await counter('qris_confirmation_queries_total', {
      trigger: 'notification',
    });
    const hint = await send('HMAC');
    expect(hint.status).toBe(200);
    expect(hint.body.responseCode).toBe('2005200');
    await waitFor(() =>
      h.sim.control.log().filter((l) => l.operation === 'qris_query').length > queriesBefore
        ? true
        : undefined,
    );
    await waitFor(async () =>
      (await counter('qris_confirmation_queries_total', {
        trigger: 'notification',
        result: 'open',
      })) > hintsBefore
        ? true
        : undefined,
    );
    const res = await h.http.get(`/v1/payments/${created.id}`).set(h.auth);
    expect(res.body.status).toBe('PENDING');
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
