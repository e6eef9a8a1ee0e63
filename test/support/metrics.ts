import { MetricsService } from '../../apps/payments/src/metrics/metrics.service';
import type { Harness } from './harness';

/** payment_discrepancies_total{source,kind} of the service under test, now. */
export async function discrepancies(h: Harness, source: string, kind: string): Promise<number> {
  const { values } = await h.app.get(MetricsService).paymentDiscrepancies.get();
  return values.find((v) => v.labels.source === source && v.labels.kind === kind)?.value ?? 0;
}
