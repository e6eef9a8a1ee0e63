import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { IdempotencyRepository } from '@app/persistence';
import { ApiError } from '../common/api-error';

export interface HttpResult {
  status: number;
  body: unknown;
}

/** An answer as sent: its bytes, and whether they replay a first answer. */
export interface HttpAnswer {
  status: number;
  text: string;
  replayed: boolean;
}

/**
 * How long a claim on a key holds unrenewed before another request may take it over (its holder
 * presumed dead).
 */
const LOCK_MS = 60_000;

const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/**
 * Stripe's semantics for `Idempotency-Key`: the same key and request replays the first response
 * (status and body); the same key with another request is 422; while the first is still running, 409.
 * Responses of 5xx are not kept: the outcome was unknown, and a retry with the key runs again.
 */
/** What makes a request the one a key was first used with. */
export interface IdempotentRequest {
  method: string;
  path: string;
  rawBody: Buffer | undefined;
}

@Injectable()
export class IdempotencyService {
  /** How long a claim holds unrenewed; renewed every third of it while its request runs. */
  protected readonly lockMs: number = LOCK_MS;

  constructor(private readonly keys: IdempotencyRepository) {}

  /**
   * What makes two requests the same: method, path and the body as JSON, whatever its
   * whitespace and key order (a body that is no JSON counts as its bytes).
   */
  static requestHash(method: string, path: string, rawBody: Buffer | undefined): string {
    return createHash('sha256')
      .update(`${method} ${path}\n`)
      .update(canonicalJson(rawBody))
      .digest('hex');
  }

  /**
   * Runs `handler` once per caller and key: a retry of the same request gets the first answer's
   * bytes, another request under the key 422. Without a key the request is only run (and not
   * hashed: its canonical JSON costs a parse and a sort per create).
   */
  async run(
    caller: string,
    key: string | undefined,
    request: IdempotentRequest,
    handler: () => Promise<HttpResult>,
  ): Promise<HttpAnswer> {
    if (key === undefined) return answerOf(await handler());
    if (!KEY_RE.test(key)) {
      throw new ApiError(
        400,
        'INVALID_IDEMPOTENCY_KEY',
        'Idempotency-Key must be 1-255 visible ASCII characters.',
        [{ field: 'Idempotency-Key', message: 'must be 1-255 visible ASCII characters' }],
      );
    }
    const requestHash = IdempotencyService.requestHash(
      request.method,
      request.path,
      request.rawBody,
    );
    const claim = await this.keys.begin(caller, key, requestHash, this.lockMs);
    if (claim.kind === 'replay') return { status: claim.status, text: claim.text, replayed: true };
    if (claim.kind === 'mismatch') {
      throw new ApiError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request.',
      );
    }
    if (claim.kind === 'in_flight') {
      throw new ApiError(
        409,
        'IDEMPOTENCY_KEY_IN_USE',
        'A request with this Idempotency-Key is still being processed; retry later.',
      );
    }
    // A request may run longer than the lock (DOKU slow, resends): a retry must not take over a
    // claim whose holder is alive, or both would run the request (the contract says 409).
    const renewal = setInterval(
      () => void this.keys.extend(caller, key, this.lockMs).catch(() => undefined),
      this.lockMs / 3,
    );
    renewal.unref();
    let result: HttpResult;
    try {
      result = await handler();
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) {
        await this.keys.complete(caller, key, err.status, JSON.stringify(err.toBody()));
      } else {
        await this.keys.release(caller, key);
      }
      throw err;
    } finally {
      clearInterval(renewal);
    }
    const answer = answerOf(result);
    if (result.status < 500) await this.keys.complete(caller, key, answer.status, answer.text);
    else await this.keys.release(caller, key);
    return answer;
  }
}

/** The bytes every answer of the result is sent as, the first and its replays alike. */
function answerOf(result: HttpResult): HttpAnswer {
  return { status: result.status, text: JSON.stringify(result.body), replayed: false };
}

/** A JSON body with its keys sorted and no whitespace; anything else as its bytes. */
function canonicalJson(rawBody: Buffer | undefined): Buffer | string {
  if (!rawBody || rawBody.length === 0) return '';
  try {
    return JSON.stringify(sortKeys(JSON.parse(rawBody.toString('utf8'))));
  } catch {
    return rawBody;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
