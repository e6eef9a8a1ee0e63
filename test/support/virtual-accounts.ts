import { SIMULATED_VA_BINS, SNAP_CHANNELS } from '@app/doku-snap';
import { Harness, paymentBody } from './harness';

/** The virtual-account channels, and DOKU_VA_BINS naming the simulator's BIN of each. */
export const VA_CHANNELS = SNAP_CHANNELS.filter((c) => c.kind === 'virtual_account');
export const VA_BINS_ENV = VA_CHANNELS.map(
  (c) => `${c.channel}=${SIMULATED_VA_BINS[c.dokuChannel]}`,
).join(',');

/** A valid create body for a virtual account of `channel`. */
export function vaPaymentBody(
  channel: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const { partnerReferenceNo, amount } = paymentBody();
  return { partnerReferenceNo, amount, channel, customerName: 'Budi Santoso', ...overrides };
}

/** Creates a virtual-account payment through the API: 201 with its `virtualAccount`. */
export async function createVaPayment(
  h: Harness,
  channel: string,
  overrides: Record<string, unknown> = {},
) {
  const res = await h.http.post('/v1/payments').set(h.auth).send(vaPaymentBody(channel, overrides));
  if (res.status !== 201) throw new Error(`create ${channel}: ${res.status} ${res.text}`);
  return res.body as {
    id: string;
    partnerReferenceNo: string;
    status: string;
    virtualAccount: {
      bank: string;
      number: string;
      name: string;
      expiresAt: string;
      howToPayUrl: string | null;
    };
  };
}

/** The customer transfers `amount` (empty: the bill) on the simulator's bank page. */
export async function transferOnPage(pageUrl: string, amount = ''): Promise<number> {
  const res = await fetch(pageUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `amount=${encodeURIComponent(amount)}`,
    redirect: 'manual',
  });
  return res.status;
}
