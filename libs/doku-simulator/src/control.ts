import type { SnapAmount } from '@app/doku-snap';
import type { BindingOperations } from './bindings';
import { FaultError, type FaultQueue } from './faults';
import type { SimulatorKeys } from './keys';
import type { Notifier } from './notifier';
import { SimulatorError } from './errors';
import type { SnapOperations } from './operations';
import type { VirtualAccountOperations } from './va-operations';
import type { Recorder } from './recorder';
import { applySettings } from './settings';
import type { SimulatorState } from './state';
import type {
  BindingView,
  CompletionStatus,
  DeliveryAttempt,
  Fault,
  LogEntry,
  PaymentView,
  PendingFault,
  SettingsUpdate,
  SimulatorControl,
  SimulatorCounters,
  SimulatorCredentials,
  SimulatorSettings,
  VirtualAccountView,
} from './types';
import { paymentView } from './views';

export interface ControlDeps {
  settings: SimulatorSettings;
  virtualAccounts: VirtualAccountOperations;
  keys: SimulatorKeys;
  state: SimulatorState;
  recorder: Recorder;
  faults: FaultQueue;
  operations: SnapOperations;
  bindings: BindingOperations;
  notifier: Notifier;
}

const COMPLETIONS = new Set(['00', '05', '06']);

/** The in-process control surface; the HTTP control API is a thin layer over this. */
export class Control implements SimulatorControl {
  constructor(private readonly deps: ControlDeps) {}

  configure(update: SettingsUpdate): SimulatorSettings {
    return applySettings(this.deps.settings, update);
  }

  settings(): SimulatorSettings {
    return applySettings(this.deps.settings, {});
  }

  inject(fault: Fault): PendingFault[] {
    try {
      this.deps.faults.add(fault);
    } catch (err) {
      if (err instanceof FaultError) throw new SimulatorError(400, err.message);
      throw err;
    }
    return this.deps.faults.list();
  }

  faults(): PendingFault[] {
    return this.deps.faults.list();
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  reset(): void {
    this.deps.faults.clear();
    this.deps.recorder.clear();
    this.deps.state.clear();
    this.deps.notifier.reset();
  }

  async completePayment(
    partnerReferenceNo: string,
    status: CompletionStatus,
    paidAmount?: SnapAmount,
  ): Promise<DeliveryAttempt> {
    if (!COMPLETIONS.has(status)) throw new SimulatorError(400, 'status must be 00, 05 or 06');
    const payment = this.deps.operations.complete(partnerReferenceNo, status);
    if (paidAmount) payment.amount = paidAmount;
    return this.deps.notifier.notify(payment);
  }

  async payQr(partnerReferenceNo: string): Promise<DeliveryAttempt | null> {
    const payment = this.deps.state.payments.get(partnerReferenceNo);
    if (!payment?.qrContent) throw new SimulatorError(404, `no QR payment ${partnerReferenceNo}`);
    this.deps.operations.complete(partnerReferenceNo, '00');
    return this.deps.settings.merchantQrisNotifyPath
      ? this.deps.notifier.notify(payment, 'merchantQrisNotifyPath')
      : null;
  }

  async resendNotification(partnerReferenceNo: string): Promise<DeliveryAttempt> {
    const payment = this.deps.state.payments.get(partnerReferenceNo);
    if (!payment) throw new SimulatorError(404, `no payment ${partnerReferenceNo}`);
    return this.deps.notifier.notify(payment);
  }

  payments(): PaymentView[] {
    const base = this.deps.settings.publicBaseUrl;
    return [...this.deps.state.payments.values()].map((p) => paymentView(p, base));
  }

  payment(partnerReferenceNo: string): PaymentView | undefined {
    const payment = this.deps.state.payments.get(partnerReferenceNo);
    return payment ? paymentView(payment, this.deps.settings.publicBaseUrl) : undefined;
  }

  bindings(): BindingView[] {
    return this.deps.bindings.views();
  }

  completeBinding(bindingId: string, confirm: boolean): string {
    return this.deps.bindings.complete(bindingId, confirm);
  }

  unlinkBinding(bindingId: string): void {
    this.deps.bindings.unlink(bindingId);
  }

  virtualAccounts(): VirtualAccountView[] {
    return this.deps.virtualAccounts.views();
  }

  virtualAccount(number: string): VirtualAccountView | undefined {
    const account = this.deps.virtualAccounts.get(number);
    return account ? this.deps.virtualAccounts.view(account) : undefined;
  }

  /** Books the transfer at once (before the first await); rejects when the bank refuses it. */
  async payVirtualAccount(number: string, amount?: SnapAmount): Promise<DeliveryAttempt> {
    const account = this.deps.virtualAccounts.pay(number, amount);
    return this.deps.notifier.notifyVirtualAccount(account);
  }

  counters(): SimulatorCounters {
    return this.deps.recorder.snapshot();
  }

  log(limit?: number): LogEntry[] {
    return this.deps.recorder.logEntries(limit);
  }

  deliveries(): DeliveryAttempt[] {
    return this.deps.notifier.deliveries();
  }

  credentials(): SimulatorCredentials {
    return { ...this.deps.keys.credentials };
  }
}
