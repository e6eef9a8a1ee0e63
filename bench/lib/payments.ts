import type { ServiceProcess } from './service-process';
import type { SimulatorProcess } from './simulator-process';

export interface Json {
  [key: string]: unknown;
}

export async function api(
  service: ServiceProcess,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      ...service.auth,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = { unreadable: text.slice(0, 200) };
  }
  return { status: res.status, body: parsed };
}

/** Create, pay at the simulator, settle through DOKU's check status (test/support/flows.ts). */
export async function paidPayment(
  service: ServiceProcess,
  simulator: SimulatorProcess,
  partnerReferenceNo: string,
  value: string,
): Promise<{ id: string; partnerReferenceNo: string }> {
  const created = await api(service, 'POST', '/v1/payments', {
    partnerReferenceNo,
    amount: { value, currency: 'IDR' },
    returnUrl: 'https://shop.example/orders/return?x=1',
    deviceId: 'device12345',
    ipAddress: '203.0.113.7',
    orderTitle: 'Kopi susu x2',
  });
  if (created.status !== 201)
    throw new Error(`create payment: HTTP ${created.status} ${JSON.stringify(created.body)}`);
  await simulator.completePayment(partnerReferenceNo, '00');
  const id = String(created.body.id);
  const checked = await api(service, 'POST', `/v1/payments/${id}/status-check`);
  if (checked.body.status !== 'PAID')
    throw new Error(
      `payment ${id} not PAID after the status check: ${JSON.stringify(checked.body)}`,
    );
  return { id, partnerReferenceNo };
}
