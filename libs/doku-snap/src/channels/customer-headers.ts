import { SnapValidationError } from '../errors';
import { optionalIpAddress, requireDeviceId } from '../operations/fields';
import type { CustomerContext } from './channel-spec';

/** Redirect wallets (DANA, ShopeePay) identify the customer's device on payment and refund. */
export function deviceHeaders(customer: CustomerContext): Record<string, string> {
  const headers: Record<string, string> = { 'X-DEVICE-ID': requireDeviceId(customer.deviceId) };
  const ip = optionalIpAddress(customer.ipAddress);
  if (ip) headers['X-IP-ADDRESS'] = ip;
  return headers;
}

/** Operations that say nothing about the customer (status inquiries). */
export const noCustomerHeaders = (): Record<string, string> => ({});

/**
 * Bound accounts (OVO) carry the customer token on payment, refund and balance. Spelled as DOKU's
 * Go and Java SDKs spell it (Node's and JULO's lower-case `customer`: HTTP names are case-blind).
 */
export function customerTokenHeaders(customer: CustomerContext): Record<string, string> {
  const token = customer.customerToken;
  if (typeof token !== 'string' || token === '' || /\s/.test(token)) {
    throw new SnapValidationError('Authorization-Customer', "needs the binding's customer token");
  }
  return { 'Authorization-Customer': `Bearer ${token}` };
}
