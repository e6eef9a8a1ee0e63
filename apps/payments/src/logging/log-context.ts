import { AsyncLocalStorage } from 'node:async_hooks';

/** What every line of a request says about it. Never its headers: they carry credentials. */
export interface RequestSummary {
  id: string;
  method: string;
  url: string;
}

/** What a piece of background work is about (ids only, never secrets). */
export type WorkFields = Record<string, string | undefined>;

/**
 * The one store of what is being done (a request, or background work): every line written in its
 * scope carries it. One AsyncLocalStorage for both: each enabled instance adds its own work to
 * every promise the process makes (measured: a second one cost the create path about a tenth).
 */
export const logContext = new AsyncLocalStorage<{ req?: RequestSummary; work?: WorkFields }>();
