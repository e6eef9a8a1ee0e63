import type {
  CompletionStatus,
  DeliveryAttempt,
  PaymentView,
  SettingsUpdate,
  SimulatorCounters,
  SimulatorCredentials,
  SimulatorSettings,
} from '@app/doku-simulator';
import { Child, startNode, waitForOutput } from './child';

export interface SimulatorProcess {
  url: string;
  pid: number;
  credentials: SimulatorCredentials;
  configure(update: SettingsUpdate): Promise<SimulatorSettings>;
  counters(): Promise<SimulatorCounters>;
  payment(partnerReferenceNo: string): Promise<PaymentView | undefined>;
  completePayment(partnerReferenceNo: string, status: CompletionStatus): Promise<void>;
  /** A bank transfer into a virtual account; its notification's first delivery. */
  payVirtualAccount(number: string): Promise<DeliveryAttempt>;
  /** A wallet app pays the QR (no notification unless the simulator is set to send one). */
  payQr(partnerReferenceNo: string): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface SimulatorProcessOptions {
  requireDeviceId?: boolean;
  latencyMs?: number;
  notificationRetryDelaysMs?: number[];
}

/**
 * The DOKU simulator as a process of its own (`apps/doku-simulator/src/main.ts` from the build), on
 * a loopback port, driven through its HTTP control API: DOKU is another machine, and the process
 * under test should not share an event loop or a CPU with it.
 */
export async function startSimulatorProcess(
  simulatorMain: string,
  options: SimulatorProcessOptions = {},
): Promise<SimulatorProcess> {
  const env: Record<string, string> = {
    SIMULATOR_HOST: '127.0.0.1',
    SIMULATOR_PORT: '0',
    SIMULATOR_LATENCY_MS: String(options.latencyMs ?? 0),
    SIMULATOR_NOTIFICATION_RETRY_DELAYS_MS: (
      options.notificationRetryDelaysMs ?? [200, 1000, 5000]
    ).join(','),
  };
  if (options.requireDeviceId !== undefined)
    env.SIMULATOR_REQUIRE_DEVICE_ID = String(options.requireDeviceId);
  const child: Child = startNode([simulatorMain], env);
  const match = await waitForOutput(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 20_000);
  const url = match[1];
  const control = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/__control${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === 404 && path.startsWith('/payments/')) return undefined as T;
    if (!res.ok) throw new Error(`simulator control ${method} ${path}: HTTP ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const credentials = await control<SimulatorCredentials>('GET', '/credentials');
  return {
    url,
    pid: child.pid,
    credentials,
    configure: (update) => control('POST', '/settings', update),
    counters: () => control('GET', '/counters'),
    payment: (ref) => control('GET', `/payments/${encodeURIComponent(ref)}`),
    async completePayment(ref, status) {
      await control('POST', `/payments/${encodeURIComponent(ref)}/complete`, { status });
    },
    payVirtualAccount: (number) =>
      control('POST', `/virtual-accounts/${encodeURIComponent(number)}/pay`),
    async payQr(ref) {
      await control('POST', `/qr-payments/${encodeURIComponent(ref)}/pay`);
    },
    async reset() {
      await control('POST', '/reset');
    },
    close: () => child.stop(5_000),
  };
}
