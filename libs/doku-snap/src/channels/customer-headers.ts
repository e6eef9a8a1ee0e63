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
