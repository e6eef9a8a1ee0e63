import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a piece of background work is about (a refund, its payment, the request that asked for it,
 * the job): every line written while doing it carries these fields, as a request's lines carry
 * its id. Ids only, never secrets.
 */
export type WorkFields = Record<string, string | undefined>;

const currentWork = new AsyncLocalStorage<WorkFields>();

export function runWork<T>(fields: WorkFields, work: () => T): T {
  return currentWork.run({ ...fields }, work);
}

/** Adds what the work learnt on the way (the payment of a refund, once claimed). */
export function noteWork(fields: WorkFields): void {
  const store = currentWork.getStore();
  if (store) Object.assign(store, fields);
}

export function workInScope(): WorkFields | undefined {
  return currentWork.getStore();
}
