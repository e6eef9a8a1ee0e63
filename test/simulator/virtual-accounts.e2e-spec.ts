import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREATE_VA_PATH, DELETE_VA_PATH, UPDATE_VA_PATH, VA_STATUS_PATH } from '@app/doku-snap';
import { RunningSimulator, startDokuSimulator } from '@app/doku-simulator';
import { fetchToken, signedPost } from './support';

let sim: RunningSimulator;
let token: string;

beforeAll(async () => {
  sim = await startDokuSimulator();
  token = await fetchToken(sim);
});
afterAll(() => sim?.close());
beforeEach(() => sim.control.reset());

let seq = 0;
/** A create-VA body of BCA (the simulator's BIN 19008), as the library builds it. */
function createBody(overrides: Record<string, unknown> = {}) {
  const customerNo = String(++seq).padStart(12, '0');
  return {
    partnerServiceId: '   19008',
    customerNo,
    virtualAccountNo: `   19008${customerNo}`,
    virtualAccountName: 'Budi Santoso',
    trxId: `INV-${Date.now()}-${seq}`,
    totalAmount: { value: '15000.00', currency: 'IDR' },
    additionalInfo: { channel: 'VIRTUAL_ACCOUNT_BCA' },
    virtualAccountTrxType: 'C',
    expiredDate: '2099-01-01T10:00:00+07:00',
    ...overrides,
  };
}

const call = (path: string, body: object, method: 'POST' | 'PUT' | 'DELETE' = 'POST') =>
  signedPost(sim, { path, token, deviceId: null, body: JSON.stringify(body), method });

const ids = (b: ReturnType<typeof createBody>) => ({
  partnerServiceId: b.partnerServiceId,
  customerNo: b.customerNo,
  virtualAccountNo: b.virtualAccountNo,
});

describe('simulated DOKU: virtual accounts', () => {
  it('creates a closed VA (2002700) with its how-to-pay page; the same body again answers it again', async () => {
    const body = createBody();
    const created = await call(CREATE_VA_PATH, body);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      responseCode: '2002700',
      virtualAccountData: { ...ids(body), trxId: body.trxId, virtualAccountTrxType: 'C' },
    });
    const page = created.body.virtualAccountData.additionalInfo.howToPayPage as string;
    expect(page).toMatch(new RegExp(`^${sim.url}/va/[0-9a-f]{24}$`));
    const html = await (await fetch(page)).text();
    expect(html).toContain(`19008${body.customerNo}`);
    expect((await call(CREATE_VA_PATH, body)).body.responseCode).toBe('2002700');
    expect(sim.control.virtualAccounts()).toHaveLength(1);
  });

  it.each([
    ['an unpadded partnerServiceId', { partnerServiceId: '19008' }, '4002701', 'partnerServiceId'],
    [
      'a virtualAccountNo that is not BIN + customerNo',
      { virtualAccountNo: '   190089' },
      '4002701',
      'virtualAccountNo',
    ],
    ['no channel', { additionalInfo: {} }, '4002702', 'additionalInfo.channel'],
    [
      'a wallet code for a channel',
      { additionalInfo: { channel: 'EMONEY_DANA_SNAP' } },
      '4002701',
      'additionalInfo.channel',
    ],
    ['an open amount', { virtualAccountTrxType: 'O' }, '4002701', 'virtualAccountTrxType'],
    ['a past expiry', { expiredDate: '2020-01-01T00:00:00+07:00' }, '4002701', 'expiredDate'],
    ['a name DOKU refuses', { virtualAccountName: 'Budi <b>' }, '4002701', 'virtualAccountName'],
  ])('refuses %s: %s naming the field', async (_what, override, code, field) => {
    const res = await call(CREATE_VA_PATH, createBody(override));
    expect(res.body.responseCode).toBe(code);
    expect(res.body.responseMessage).toContain(field);
    expect(sim.control.virtualAccounts()).toEqual([]);
  });

  it("refuses another bank's BIN (403 Feature Not Allowed) and another account under a number or trxId (4092700)", async () => {
    const mandiriBin = createBody({ additionalInfo: { channel: 'VIRTUAL_ACCOUNT_BANK_MANDIRI' } });
    expect((await call(CREATE_VA_PATH, mandiriBin)).body.responseCode).toBe('4032715');
    const body = createBody();
    await call(CREATE_VA_PATH, body);
    const sameNumber = {
      ...body,
      trxId: 'ANOTHER',
      totalAmount: { value: '1.00', currency: 'IDR' },
    };
    expect((await call(CREATE_VA_PATH, sameNumber)).body.responseCode).toBe('4092700');
    const sameTrx = { ...createBody(), trxId: body.trxId };
    expect((await call(CREATE_VA_PATH, sameTrx)).body.responseCode).toBe('4092700');
  });

  it('update (PUT, signed as PUT) changes an open account; INACTIVE closes it; POST to it is 405', async () => {
    const body = createBody();
    await call(CREATE_VA_PATH, body);
    const changed = {
      ...body,
      virtualAccountName: 'Budi S',
      totalAmount: { value: '20000.00', currency: 'IDR' },
    };
    const asPost = await call(UPDATE_VA_PATH, changed);
    expect(asPost.status).toBe(405);
    const updated = await call(UPDATE_VA_PATH, changed, 'PUT');
    expect(updated.body).toMatchObject({
      responseCode: '2002800',
      virtualAccountData: { virtualAccountName: 'Budi S', totalAmount: { value: '20000.00' } },
    });
    const number = `19008${body.customerNo}`;
    expect(sim.control.virtualAccount(number)).toMatchObject({ amount: { value: '20000.00' } });
    const inactive = {
      ...changed,
      additionalInfo: {
        channel: 'VIRTUAL_ACCOUNT_BCA',
        virtualAccountConfig: { status: 'INACTIVE' },
      },
    };
    expect((await call(UPDATE_VA_PATH, inactive, 'PUT')).body.responseCode).toBe('2002800');
    await expect(sim.control.payVirtualAccount(number)).rejects.toThrow(/INACTIVE/);
  });

  it('delete (DELETE with a body, signed as DELETE) closes an open account, again answers the same; a paid one is 4043114', async () => {
    const body = createBody();
    await call(CREATE_VA_PATH, body);
    const del = {
      ...ids(body),
      trxId: body.trxId,
      additionalInfo: { channel: 'VIRTUAL_ACCOUNT_BCA' },
    };
    // Signed as POST but sent as DELETE: the signature does not match.
    const wrongMethod = await signedPost(sim, {
      path: DELETE_VA_PATH,
      token,
      deviceId: null,
      body: JSON.stringify(del),
      method: 'DELETE',
      headers: {},
      signedBody: JSON.stringify({ ...del, trxId: 'x' }),
    });
    expect(wrongMethod.body.responseCode).toBe('4013100');
    expect((await call(DELETE_VA_PATH, del, 'DELETE')).body.responseCode).toBe('2003100');
    expect((await call(DELETE_VA_PATH, del, 'DELETE')).body.responseCode).toBe('2003100');
    expect(sim.control.virtualAccount(`19008${body.customerNo}`)!.status).toBe('DELETED');

    const paid = createBody();
    await call(CREATE_VA_PATH, paid);
    await sim.control.payVirtualAccount(`19008${paid.customerNo}`);
    const refused = await call(
      DELETE_VA_PATH,
      { ...ids(paid), trxId: paid.trxId, additionalInfo: { channel: 'VIRTUAL_ACCOUNT_BCA' } },
      'DELETE',
    );
    expect(refused.body.responseCode).toBe('4043114');
    const unknown = await call(
      DELETE_VA_PATH,
      { ...ids(createBody()), trxId: 'NONE', additionalInfo: { channel: 'VIRTUAL_ACCOUNT_BCA' } },
      'DELETE',
    );
    expect(unknown.body.responseCode).toBe('4043112');
  });

  it('status: nothing paid while open; paymentFlagStatus 00 and the amount once paid (another amount as paid)', async () => {
    const body = createBody();
    await call(CREATE_VA_PATH, body);
    const inquiry = { ...ids(body), inquiryRequestId: body.trxId, additionalInfo: {} };
    const open = await call(VA_STATUS_PATH, inquiry);
    expect(open.body.responseCode).toBe('2002600');
    expect(open.body.virtualAccountData.paymentFlagStatus).toBeUndefined();
    expect(open.body.virtualAccountData.paidAmount).toEqual({ value: '0.00', currency: 'IDR' });
    await sim.control.payVirtualAccount(`19008${body.customerNo}`, {
      value: '14000.00',
      currency: 'IDR',
    });
    const paid = await call(VA_STATUS_PATH, inquiry);
    expect(paid.body.virtualAccountData).toMatchObject({
      paymentFlagStatus: '00',
      paidAmount: { value: '14000.00' },
      billDetails: [{ billAmount: { value: '15000.00' } }],
      trxId: body.trxId,
    });
    expect(
      (await call(VA_STATUS_PATH, { ...ids(createBody()), additionalInfo: {} })).body.responseCode,
    ).toBe('4042601');
  });

  it('the bank page takes a transfer once: the bill, or another amount; nonsense is a 400', async () => {
    const body = createBody();
    const created = await call(CREATE_VA_PATH, body);
    const page = created.body.virtualAccountData.additionalInfo.howToPayPage as string;
    const transfer = (amount: string) =>
      fetch(page, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `amount=${amount}`,
        redirect: 'manual',
      });
    expect((await transfer('lots')).status).toBe(400);
    expect((await transfer('15500')).status).toBe(303);
    expect(sim.control.virtualAccount(`19008${body.customerNo}`)).toMatchObject({
      status: 'PAID',
      paidAmount: { value: '15500.00' },
    });
    expect((await transfer('')).status).toBe(409);
  });
});
