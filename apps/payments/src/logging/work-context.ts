import { logContext, WorkFields } from './log-context';

export type { WorkFields } from './log-context';

/**
 * What a piece of background work is about (a refund, its payment, the request that asked for it,
 * the job): every line written while doing it carries these fields, as a request's lines carry
 * its id.
 */
export function runWork<T>(fields: WorkFields, work: () => T): T {
  return logContext.run({ work: { ...fields } }, work);
}

/** Adds what the work learnt on the way (the payment of a refund, once claimed). */
export function noteWork(fields: WorkFields): void {
  const work = logContext.getStore()?.work;
  if (work) Object.assign(work, fields);
}

export function workInScope(): WorkFields | undefined {
  return logContext.getStore()?.work;
}
