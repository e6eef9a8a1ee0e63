import { DANA } from '../../src/channels/dana';
import type { CustomerContext } from '../../src/channels/channel-spec';
import type { DokuSnapClient, PreparedRequest } from '../../src/client';
import {
  buildDebitRefundBody,
  RefundInput,
  RefundRequestBody,
  RefundResponse,
} from '../../src/operations/debit-refund';
import {
  buildDebitStatusBody,
  CheckStatusInput,
  CheckStatusRequestBody,
  CheckStatusResponse,
} from '../../src/operations/debit-status';
import {
  buildJumpAppPaymentBody,
  JumpAppPaymentInput,
  JumpAppPaymentRequestBody,
  JumpAppPaymentResponse,
} from '../../src/operations/jump-app-payment';

/** DANA's operations as tests use them: the input carries the customer's device too. */
export type DanaPaymentInput = JumpAppPaymentInput;
export type DanaPaymentResponse = JumpAppPaymentResponse;

export const prepareDana = (
  client: DokuSnapClient,
  input: JumpAppPaymentInput & CustomerContext,
  externalId?: string,
): PreparedRequest<JumpAppPaymentResponse> =>
  client.prepare(DANA.payment, input, { customer: input, externalId });

export const prepareDanaRefund = (
  client: DokuSnapClient,
  input: RefundInput & CustomerContext,
  externalId?: string,
): PreparedRequest<RefundResponse> =>
  client.prepare(DANA.refund!, input, { customer: input, externalId });

export const prepareDanaStatus = (
  client: DokuSnapClient,
  input: CheckStatusInput,
  externalId?: string,
): PreparedRequest<CheckStatusResponse> =>
  client.prepare(DANA.status, input, { externalId }) as PreparedRequest<CheckStatusResponse>;

export const buildDanaPaymentBody = (input: JumpAppPaymentInput): JumpAppPaymentRequestBody =>
  buildJumpAppPaymentBody(DANA.dokuChannel, input);
export const buildRefundBody = (input: RefundInput): RefundRequestBody =>
  buildDebitRefundBody(DANA.dokuChannel, input);
export const buildCheckStatusBody = (input: CheckStatusInput): CheckStatusRequestBody =>
  buildDebitStatusBody(DANA.dokuChannel, input);
