import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIT_PAYMENT_PATH, type DokuSnapClient } from '@app/doku-snap';
import { startDokuSimulator, type RunningSimulator } from '@app/doku-simulator';
import {
  clientFor,
  createPayment,
  fetchToken,
  paymentBody,
  signedPost,
  startTestMerchant,
  type TestMerchant,
} from './support';
import { prepareDana } from '../../libs/doku-snap/test/support/dana';
import { launchChromium } from '../support/browser';

describe('DOKU simulator: payment page', () => {
  let sim: RunningSimulator;
  let merchant: TestMerchant;
  let client: DokuSnapClient;

  beforeAll(async () => {
    sim = await startDokuSimulator({ notificationRetryDelaysMs: [50, 100] });
    merchant = await startTestMerchant(sim.credentials);
    sim.control.configure({ merchantBaseUrl: merchant.url });
    client = clientFor(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
    await merchant.close();
  });

  describe('in a real browser (headless Chromium)', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(() => browser?.close());

    it('pays through the page, and the merchant receives a notification whose signature verifies', async () => {
      const payment = await client.send(
        prepareDana(client, {
          partnerReferenceNo: 'WEB-1',
          amount: { value: '25000.00', currency: 'IDR' },
          returnUrl: 'https://merchant.example/return?order=WEB-1',
          orderTitle: 'Kopi susu x2',
          deviceId: 'browser01',
        }),
      );
      expect(payment.responseCode).toBe('2005400');
      const page = await browser.newPage();
      try {
        await page.goto(payment.body?.webRedirectUrl ?? '');
        expect(await page.textContent('#order')).toBe('WEB-1');
        expect(await page.textContent('#title')).toBe('Kopi susu x2');
        expect(await page.textContent('#amount')).toBe('IDR 25000.00');
        expect(await page.textContent('#status')).toBe('Pending');

        await page.click('#pay');
        await page.waitForSelector('#result');
        expect(await page.textContent('#result')).toBe('Payment successful.');
        expect(await page.getAttribute('#return', 'href')).toBe(
          'https://merchant.example/return?order=WEB-1',
        );
      } finally {
        await page.close();
      }

      const [notification] = await merchant.waitFor(1);
      expect(merchant.tokenRequests[0].signatureValid).toBe(true);
      expect(notification.tokenKnown).toBe(true);
      expect(notification.signature).toEqual({ valid: true, form: 'HMAC', body: 'as-received' });
      expect(notification.body).toMatchObject({
        originalPartnerReferenceNo: 'WEB-1',
        originalReferenceNo: payment.body?.referenceNo,
        latestTransactionStatus: '00',
        amount: { value: '25000.00', currency: 'IDR' },
      });
      expect(sim.control.payment('WEB-1')?.latestTransactionStatus).toBe('00');
    });

    it('cancels through the page', async () => {
      const token = await fetchToken(sim);
      const { webRedirectUrl } = await createPayment(sim, token, 'WEB-2');
      const page = await browser.newPage();
      try {
        await page.goto(webRedirectUrl);
        await page.click('#cancel');
        await page.waitForSelector('#result');
        expect(await page.textContent('#status')).toBe('Cancelled');
        expect(await page.locator('#pay').count()).toBe(0);
      } finally {
        await page.close();
      }
      expect(sim.control.payment('WEB-2')?.latestTransactionStatus).toBe('05');
    });
  });

  it('escapes what the merchant sent', async () => {
    const token = await fetchToken(sim);
    const res = await signedPost(sim, {
      path: DEBIT_PAYMENT_PATH,
      token,
      body: JSON.stringify(
        paymentBody('<b>"WEB-3"</b>', {
          additionalInfo: { channel: 'EMONEY_DANA_SNAP', orderTitle: '<script>alert(1)</script>' },
        }),
      ),
    });
    const html = await (await fetch(res.body.webRedirectUrl)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;&quot;WEB-3&quot;&lt;/b&gt;');
  });

  it('answers an unknown page 404 and an unknown action 400', async () => {
    expect((await fetch(`${sim.url}/pay/000000000000000000000000`)).status).toBe(404);
    const token = await fetchToken(sim);
    const { webRedirectUrl } = await createPayment(sim, token, 'WEB-4');
    const res = await fetch(webRedirectUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'action=steal',
    });
    expect(res.status).toBe(400);
    expect(sim.control.payment('WEB-4')?.latestTransactionStatus).toBe('03');
  });
});
