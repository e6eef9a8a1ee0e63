import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, errors, request } from 'undici';
import type { AttemptOutcome } from '@app/persistence';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/tokens';
import type { WebhookEndpoint } from '../config/webhook-endpoints';
import { AddressPolicy, AddressRefused, guardedConnector } from './address-policy';
import { deliveryHeaders } from './webhook-signature';

/** A receiver's answer is read this far (then the connection is dropped), and this much kept. */
const READ_LIMIT = 64 * 1024;
const EXCERPT_LIMIT = 4 * 1024;

/** What one attempt found. */
export interface AttemptReport {
  outcome: AttemptOutcome;
  statusCode: number | null;
  retryAfter?: string;
  timedOut: boolean;
  durationMs: number;
  /** The start of the answer's body, or what went wrong: never a header or a secret. */
  excerpt: string | null;
}

/**
 * One delivery attempt: a POST of the event's bytes with Standard Webhooks headers signed at this
 * attempt's time, over connections that reach only what the address policy allows (checked at
 * connect, on the address used). No redirect is followed (a 3xx is a failed attempt); the
 * attempt has WEBHOOK_TIMEOUT_MS in all.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.timeoutMs = config.webhooks.timeoutMs;
    this.agent = new Agent({
      connect: guardedConnector(new AddressPolicy(config.webhooks.allowedCidrs)),
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connectTimeout: Math.min(this.timeoutMs, 10_000),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy().catch(() => undefined);
  }

  async send(endpoint: WebhookEndpoint, eventId: string, body: string): Promise<AttemptReport> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await request(endpoint.url, {
        method: 'POST',
        headers: deliveryHeaders(eventId, Date.now() / 1000, body, endpoint.keys),
        body,
        dispatcher: this.agent,
        signal,
      });
      const excerpt = await readExcerpt(response.body);
      const retryAfter = response.headers['retry-after'];
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return {
        outcome: ok ? 'success' : 'http_error',
        statusCode: response.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        timedOut: false,
        durationMs: elapsed(),
        excerpt,
      };
    } catch (err) {
      const outcome = failureOf(err, signal);
      return {
        outcome,
        statusCode: null,
        timedOut: outcome === 'timeout',
        durationMs: elapsed(),
        excerpt:
          outcome === 'timeout'
            ? `no answer within ${this.timeoutMs} ms`
            : (err as Error).message.slice(0, EXCERPT_LIMIT),
      };
    }
  }
}

function failureOf(err: unknown, signal: AbortSignal): AttemptOutcome {
  if (causes(err).some((e) => e instanceof AddressRefused)) return 'blocked';
  if (
    signal.aborted ||
    err instanceof errors.HeadersTimeoutError ||
    err instanceof errors.BodyTimeoutError ||
    err instanceof errors.ConnectTimeoutError
  )
    return 'timeout';
  return 'network';
}

/** An error and its causes (undici wraps what the connector threw). */
function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** The first bytes of a body, reading at most READ_LIMIT of it; the rest is not waited for. */
async function readExcerpt(
  body: AsyncIterable<Buffer> & { destroy(): void },
): Promise<string | null> {
  const chunks: Buffer[] = [];
  let read = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    read += chunk.length;
    if (read >= READ_LIMIT) {
      body.destroy();
      break;
    }
  }
  if (read === 0) return null;
  return Buffer.concat(chunks).subarray(0, EXCERPT_LIMIT).toString('utf8');
}
