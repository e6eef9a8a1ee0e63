import { describe, expect, it } from 'vitest';
import { TokenRequestError } from '@app/doku-snap';
import { DuplicateKeyError } from '@app/persistence';
import { BindingNotActiveError } from '../wallet-bindings/customer-tokens';
import { done, fakePayment, fakes, refused, unknown } from '../../test/fakes';
import type { AppConfig } from '../config/app-config';
import type { CreatePaymentDto } from './dto/create-payment.dto';
import { CustomerContexts } from '../wallet-bindings/customer-contexts';
import { PaymentsService } from './payments.service';

const dto: CreatePaymentDto = {
  partnerReferenceNo: 'ORDER-1',
  amount: { value: '15000.00', currency: 'IDR' },
  returnUrl: 'https://shop.example/orders/ORDER-1',
  deviceId: 'device1',
  ipAddress: '203.0.113.7',
};

function service(answer: unknown) {
  const f = fakes();
  f.payments.create.mockImplementation(async (input: Record<string, unknown>) =>
    fakePayment({
      channelInput: input.channelInput as Record<string, unknown>,
      requestBody: input.requestBody as string,
    }),
  );
  f.gateway.call.mockResolvedValue(answer);
  const payments = new PaymentsService(
    f.payments as never,
    f.refunds as never,
    f.gateway as never,
    f.channels,
    f.externalIds as never,
    f.statuses as never,
    f.late as never,
    new CustomerContexts(f.channels, {} as never),
    {} as never,
    {} as never,
    {} as never,
    { doku: { paymentAttempts: 3 } } as AppConfig,
  );
  return { payments, f };
}

describe('PaymentsService.create', () => {
  it("stores the channel's inputs and the exact bytes, sends them, and records the redirect", async () => {
    const { payments, f } = service(
      done({ responseCode: '2005400', webRedirectUrl: 'https://pay.example/1', referenceNo: 'R1' }),
    );
    const result = await payments.create(dto);
    const stored = f.payments.create.mock.calls[0][0];
    expect(stored).toMatchObject({
      channel: 'DANA',
      channelInput: { returnUrl: dto.returnUrl, deviceId: 'device1', ipAddress: '203.0.113.7' },
    });
    const [prepared, call] = f.gateway.call.mock.calls[0];
    expect(prepared).toMatchObject({
      operation: 'dana_payment',
      body: stored.requestBody,
      headers: { 'X-DEVICE-ID': 'device1', 'X-IP-ADDRESS': '203.0.113.7' },
    });
    expect(call).toMatchObject({ purpose: 'payment', attempts: 3 });
    expect(f.payments.recordDokuAnswer).toHaveBeenCalledWith('p1', {
      redirectUrl: 'https://pay.example/1',
      referenceNo: 'R1',
    });
    expect(result).toMatchObject({ status: 201, body: { redirectUrl: 'https://pay.example/1' } });
  });

  it("a refusal fails the payment with DOKU's code; a business refusal is 422", async () => {
    const { payments, f } = service(refused('4035402', 'Exceeds Transaction Amount Limit'));
    await expect(payments.create(dto)).rejects.toMatchObject({
      status: 422,
      code: 'PAYMENT_REJECTED',
    });
    expect(f.payments.changeStatus).toHaveBeenCalledWith(
      'p1',
      expect.objectContaining({ to: 'FAILED', failureCode: '4035402' }),
    );
  });

  it('an unknown outcome leaves the payment PENDING: 503, nothing failed', async () => {
    const { payments, f } = service(unknown('timeout'));
    await expect(payments.create(dto)).rejects.toMatchObject({
      status: 503,
      code: 'DOKU_OUTCOME_UNKNOWN',
    });
    expect(f.payments.changeStatus).not.toHaveBeenCalled();
  });

  it('no access token: 503 and PENDING, never FAILED (nothing reached DOKU)', async () => {
    const token = new TokenRequestError('DOKU B2B token request failed: HTTP 500', {
      kind: 'retry_later',
      ambiguous: true,
      replay: false,
    });
    const { payments, f } = service({ kind: 'unavailable', reason: token.message, token });
    await expect(payments.create(dto)).rejects.toMatchObject({ status: 503 });
    expect(f.payments.changeStatus).not.toHaveBeenCalled();
  });
});

describe('PaymentsService.create, a bound wallet', () => {
  const ovo = {
    partnerReferenceNo: 'ORDER-OVO-1',
    amount: { value: '15000.00', currency: 'IDR' },
    channel: 'OVO',
    bindingId: '00000000-0000-4000-8000-000000000001',
    returnUrl: 'https://shop.example/paid',
  } as CreatePaymentDto;

  /** The service with the binding found ACTIVE at the request, gone when its token is read. */
  function goneAtSend() {
    const f = fakes();
    f.payments.create.mockImplementation(async (input: Record<string, unknown>) =>
      fakePayment({
        channel: 'OVO',
        partnerReferenceNo: ovo.partnerReferenceNo,
        channelInput: input.channelInput as Record<string, unknown>,
        requestBody: input.requestBody as string,
      }),
    );
    const gone = new BindingNotActiveError({ id: ovo.bindingId, status: 'UNBOUND' } as never);
    const payments = new PaymentsService(
      f.payments as never,
      f.refunds as never,
      f.gateway as never,
      f.channels,
      f.externalIds as never,
      f.statuses as never,
      f.late as never,
      { of: () => Promise.reject(gone) } as never,
      { check: async () => ({}) } as never,
      {} as never,
      {} as never,
      { doku: { paymentAttempts: 3 } } as AppConfig,
    );
    return { payments, f };
  }

  it('fails the payment at its first send: nothing reached DOKU', async () => {
    const { payments, f } = goneAtSend();
    await expect(payments.create(ovo)).rejects.toMatchObject({ code: 'BINDING_NOT_ACTIVE' });
    expect(f.payments.changeStatus).toHaveBeenCalledWith(
      'p1',
      expect.objectContaining({ to: 'FAILED', failureCode: 'BINDING_NOT_ACTIVE' }),
    );
    expect(f.gateway.call).not.toHaveBeenCalled();
  });

  it('leaves a resumed payment PENDING: an earlier send may be at DOKU', async () => {
    const { payments, f } = goneAtSend();
    await expect(payments.create(ovo)).rejects.toBeDefined();
    const stored = f.payments.create.mock.calls[0][0] as Record<string, unknown>;
    f.payments.changeStatus.mockClear();
    f.payments.create.mockRejectedValue(new DuplicateKeyError('partner_reference_no'));
    f.payments.findByPartnerReferenceNo.mockResolvedValue(
      fakePayment({
        channel: 'OVO',
        partnerReferenceNo: ovo.partnerReferenceNo,
        channelInput: stored.channelInput as Record<string, unknown>,
        requestBody: stored.requestBody as string,
      }),
    );
    await expect(payments.create(ovo)).rejects.toMatchObject({ code: 'BINDING_NOT_ACTIVE' });
    expect(f.payments.changeStatus).not.toHaveBeenCalled();
    expect(f.payments.endSubmission).toHaveBeenCalledWith('p1');
  });
});
