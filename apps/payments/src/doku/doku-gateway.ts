import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DokuSnapClient, PreparedRequest, SnapResult, TokenRequestError } from '@app/doku-snap';
import type { ExternalIdClaim } from '@app/persistence';
import { dokuAnswer } from './doku-failure';
import { ExternalIdService } from './external-id.service';

/**
 * What became of a call to DOKU, in the words every caller acts on:
 * - `done`: DOKU did it (2xx, or its replay of a first answer); `inProgress` for 202.
 * - `refused`: DOKU refused the request itself; sending it again will not help.
 * - `unknown`: DOKU may have acted (no answer, 5xx, a 409 that is no replay): only a resend of the
 *   same bytes or DOKU's status can tell. Never final, never a new request.
 * - `unavailable`: DOKU did not act and can be asked again later (no token, 429, the token still
 *   refused after a new one).
 */
export type GatewayOutcome<R> =
  | { kind: 'done'; result: SnapResult<R>; inProgress: boolean }
  | { kind: 'refused'; result: SnapResult<R> }
  | { kind: 'unknown'; result?: SnapResult<R>; reason: string }
  | {
      kind: 'unavailable';
      result?: SnapResult<R>;
      reason: string;
      /** Set when no access token could be had: nothing was sent. */
      token?: TokenRequestError;
    };

export interface GatewayCall {
  /** What the X-EXTERNAL-ID of a resend after a token refresh is reserved for. */
  purpose: ExternalIdClaim['purpose'];
  subjectId: string;
  /** Stores a renewed X-EXTERNAL-ID with its subject before it is sent. */
  storeExternalId?: (externalId: string) => Promise<void>;
  /**
   * Sends of the same bytes and X-EXTERNAL-ID while DOKU's outcome stays unknown or unavailable
   * (DOKU answers a resend with its first answer): 1 when retries are someone else's (a queue).
   */
  attempts?: number;
}

/** First pause between sends of one request, doubling after each. */
const FIRST_RESEND_PAUSE_MS = 100;

/**
 * The one way the service calls DOKU: sends a prepared request (a channel's operation, its bytes
 * fixed), renews and stores its X-EXTERNAL-ID when a token refresh makes DOKU see it again, resends
 * what may be resent, and says what became of it. Callers switch on the outcome.
 */
@Injectable()
export class DokuGateway {
  constructor(
    private readonly client: DokuSnapClient,
    private readonly externalIds: ExternalIdService,
  ) {}

  async call<R>(prepared: PreparedRequest<R>, call: GatewayCall): Promise<GatewayOutcome<R>> {
    let current = prepared;
    const renewExternalId = async () => {
      const id = await this.externalIds.reserve(call.purpose, call.subjectId);
      await call.storeExternalId?.(id);
      current = { ...current, externalId: id };
      return id;
    };
    const attempts = call.attempts ?? 1;
    let outcome: GatewayOutcome<R> | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(FIRST_RESEND_PAUSE_MS * 2 ** (attempt - 2));
      let result: SnapResult<R>;
      try {
        result = await this.client.send(current, { renewExternalId });
      } catch (err) {
        if (!(err instanceof TokenRequestError)) throw err;
        // Nothing was sent: the request itself never left. Worth another try only if the token
        // request may succeed later.
        outcome = { kind: 'unavailable', reason: err.message, token: err, result: outcome?.result };
        if (err.outcome.kind !== 'retry_later') break;
        continue;
      }
      outcome = outcomeOf(result);
      if (result.outcome.kind !== 'retry_later') break;
    }
    return outcome!;
  }
}

function outcomeOf<R>(result: SnapResult<R>): GatewayOutcome<R> {
  switch (result.outcome.kind) {
    case 'success':
      return { kind: 'done', result, inProgress: false };
    case 'in_progress':
      return { kind: 'done', result, inProgress: true };
    case 'failure':
      return { kind: 'refused', result };
    case 'check_status':
      return { kind: 'unknown', result, reason: dokuAnswer(result) };
    case 'refresh_token':
      return { kind: 'unavailable', result, reason: dokuAnswer(result) };
    case 'retry_later':
      return result.outcome.ambiguous
        ? { kind: 'unknown', result, reason: result.error ?? dokuAnswer(result) }
        : { kind: 'unavailable', result, reason: result.error ?? dokuAnswer(result) };
  }
}
