import { describe, expect, it } from 'vitest';
import { SnapValidationError } from '../src/errors';
import {
  buildCreateVaBody,
  buildDeleteVaBody,
  buildVaStatusBody,
  paddedPartnerServiceId,
} from '../src/operations/virtual-account';
import { compactJson } from '../src/signing/json';

/** Bodies of doku-channels.md §3: DOKU's create-VA example (APIDOG), §3.4's delete, JULO's status. */
describe('virtual account bodies (doku-channels.md §3)', () => {
  it("create VA: DOKU's example byte for byte (its optional freeText left out), but for its VA number", () => {
    const documented =
      '{"partnerServiceId":"   19008","customerNo":"00000000000000000001","virtualAccountNo":"   19008000000000000000000001",' +
      '"virtualAccountName":"Customer Name","virtualAccountEmail":"customer.email@mail.com","virtualAccountPhone":"0816291271826",' +
      '"trxId":"23219829713","totalAmount":{"value":"11500.00","currency":"IDR"},"additionalInfo":{"channel":"VIRTUAL_ACCOUNT_BCA"},' +
      '"virtualAccountTrxType":"C","expiredDate":"2023-01-01T10:55:00+07:00"}';
    const body = buildCreateVaBody('VIRTUAL_ACCOUNT_BCA', {
      bin: '19008',
      customerNo: '00000000000000000001',
      name: 'Customer Name',
      email: 'customer.email@mail.com',
      phone: '0816291271826',
      trxId: '23219829713',
      amount: { value: '11500.00', currency: 'IDR' },
      expiredDate: '2023-01-01T10:55:00+07:00',
    });
    // The example's virtualAccountNo is 29 characters ("   19008" and 21 digits): over SNAP's 28
    // and not its own partnerServiceId + customerNo, which every SDK builds and validates.
    const documentedNo = '   19008000000000000000000001';
    expect(documentedNo).toHaveLength(29);
    expect(compactJson(body)).toBe(
      documented.replace(documentedNo, '   19008' + '00000000000000000001'),
    );
  });

  it('delete VA and VA status: the documented field sets, in order', () => {
    const ref = { bin: '88899', customerNo: '908800314524', trxId: 'INV-1' };
    expect(compactJson(buildDeleteVaBody('VIRTUAL_ACCOUNT_BANK_MANDIRI', ref))).toBe(
      '{"partnerServiceId":"   88899","customerNo":"908800314524","virtualAccountNo":"   88899908800314524",' +
        '"trxId":"INV-1","additionalInfo":{"channel":"VIRTUAL_ACCOUNT_BANK_MANDIRI"}}',
    );
    expect(compactJson(buildVaStatusBody(ref))).toBe(
      '{"partnerServiceId":"   88899","customerNo":"908800314524","virtualAccountNo":"   88899908800314524",' +
        '"inquiryRequestId":"INV-1","additionalInfo":{}}',
    );
  });

  it.each([
    ['partnerServiceId', { bin: '123456789' }],
    ['partnerServiceId', { bin: '19 08' }],
    ['customerNo', { customerNo: '12a' }],
    ['customerNo', { customerNo: '1'.repeat(21) }],
    ['virtualAccountName', { name: 'Budi <script>' }],
    ['virtualAccountPhone', { phone: '0812' }],
    ['totalAmount.value', { amount: { value: '100', currency: 'IDR' } }],
    ['expiredDate', { expiredDate: '2023-01-01 10:55' }],
  ])('refuses a bad %s before anything is sent', (field, overrides) => {
    let named: string | undefined;
    try {
      buildCreateVaBody('VIRTUAL_ACCOUNT_BCA', {
        bin: '19008',
        customerNo: '1',
        name: 'Budi',
        trxId: 'INV-1',
        amount: { value: '1.00', currency: 'IDR' },
        ...overrides,
      });
    } catch (err) {
      expect(err).toBeInstanceOf(SnapValidationError);
      named = (err as SnapValidationError).field;
    }
    expect(named).toBe(field);
  });

  it('pads a BIN with spaces to 8 characters, as DOKU wants', () => {
    expect(paddedPartnerServiceId('19008')).toBe('   19008');
    expect(paddedPartnerServiceId('12345678')).toBe('12345678');
  });
});
