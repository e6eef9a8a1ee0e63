import { createRequire } from 'node:module';

/**
 * DOKU's official Node SDK (doku-nodejs-library 1.0.52, a dev dependency of the benchmark only),
 * typed as far as the benchmark uses it. Its base URL is a static field of its Config class, read
 * at every call: pointing it at the simulator is a property write.
 */
interface SdkConfig {
  CORE_SANDBOX_BASE_URL: string;
  CORE_PRODUCTION_BASE_URL: string;
}

interface SnapOptions {
  isProduction: boolean;
  privateKey: string;
  clientID: string;
  publicKey: string;
  dokuPublicKey: string;
  issuer: string;
  secretKey: string;
}

export interface SdkSnap {
  tokenB2B: string;
  doPaymentJumpApp(
    dto: object,
    ipAddress: string,
    deviceId: string,
  ): Promise<{ responseCode?: string; responseMessage?: string; webRedirectUrl?: string }>;
}

type PaymentJumpAppRequestDtoClass = new (
  partnerReferenceNo: string,
  amount: { value: string; currency: string },
  urlParam: { url: string; type: string; isDeepLink: string }[],
  validUpTo: string,
  pointOfInitiation: string,
  additionalInfo: { channel: string; orderTitle?: string },
) => object;

const sdkRequire = createRequire(__filename);

export function loadDokuSdk(baseUrl: string): {
  Snap: new (options: SnapOptions) => SdkSnap;
  PaymentJumpAppRequestDto: PaymentJumpAppRequestDtoClass;
  version: string;
} {
  const config = sdkRequire('doku-nodejs-library/_commons/config') as SdkConfig;
  config.CORE_SANDBOX_BASE_URL = baseUrl;
  config.CORE_PRODUCTION_BASE_URL = baseUrl;
  const { Snap } = sdkRequire('doku-nodejs-library') as {
    Snap: new (options: SnapOptions) => SdkSnap;
  };
  const PaymentJumpAppRequestDto = sdkRequire(
    'doku-nodejs-library/_models/paymentJumpAppRequestDTO',
  ) as PaymentJumpAppRequestDtoClass;
  const { version } = sdkRequire('doku-nodejs-library/package.json') as { version: string };
  return { Snap, PaymentJumpAppRequestDto, version };
}

/** What an SDK call failed with: axios errors carry DOKU's HTTP status and response code. */
export function sdkErrorLabel(err: unknown): string {
  const e = err as {
    response?: { status?: number; data?: { responseCode?: string; responseMessage?: string } };
    code?: string;
    message?: string;
  };
  if (e?.response) {
    const d = e.response.data;
    return `HTTP ${e.response.status} ${d?.responseCode ?? ''} ${d?.responseMessage ?? ''}`.trim();
  }
  return e?.code ?? e?.message ?? String(err);
}

/** Runs `fn` with the console silenced (the SDK logs from inside its calls); counts the lines. */
export async function silenced<T>(fn: () => Promise<T>): Promise<{ value: T; lines: number }> {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  let lines = 0;
  for (const m of methods) console[m] = () => void lines++;
  try {
    return { value: await fn(), lines };
  } finally {
    methods.forEach((m, i) => (console[m] = saved[i]));
  }
}
