export { startDokuSimulator } from './simulator';
export { DOKU_RETRY_DELAYS_MS } from './settings';
export type {
  BindingStatus,
  BindingView,
  CompletionStatus,
  DeliveryAttempt,
  Fault,
  FaultKind,
  FaultOperation,
  LogEntry,
  PaymentStatus,
  PaymentView,
  PendingFault,
  RefundView,
  RunningSimulator,
  SettingsUpdate,
  SimOperation,
  SimulatorControl,
  SimulatorCounters,
  SimulatorCredentials,
  SimulatorOptions,
  SimulatorSettings,
} from './types';
