import { DokuSnapClient, DokuSnapClientOptions } from '../../src/client';
import { Clock } from '../../src/clock';
import { loadCredentials, parsePublicKey, SnapCredentials } from '../../src/credentials';
import { testKeys, vector } from '../vectors';

/** TEST-ONLY values from vectors.json. */
export const TEST_CLIENT_ID = vector('V1').inputs.clientId!;
export const TEST_CLIENT_SECRET = vector('V2').inputs.clientSecret!;
export const VECTOR_TOKEN = vector('V2').inputs.accessToken!;

export const merchantPublicKey = parsePublicKey('test', testKeys.publicKeyPem);

export function testCredentials(): SnapCredentials {
  return loadCredentials({
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    privateKey: testKeys.privateKeyPem,
    dokuPublicKey: testKeys.publicKeyPem,
  });
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public ms = Date.UTC(2024, 4, 17, 7, 12, 50)) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function testClient(
  baseUrl: string,
  options: Partial<DokuSnapClientOptions> = {},
): DokuSnapClient {
  return new DokuSnapClient({ baseUrl, credentials: testCredentials(), ...options });
}

/** A minimal valid DANA payment, as the service would prepare it. */
export const danaInput = {
  partnerReferenceNo: 'INV-TEST-0001',
  amount: { value: '15000.00', currency: 'IDR' },
  returnUrl: 'https://merchant.example/pay/return',
  deviceId: 'device01',
  ipAddress: '203.0.113.10',
};
