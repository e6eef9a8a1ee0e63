import { Clock } from './clock';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

/**
 * Holds one B2B access token: fetched on first use, refreshed ahead of expiry, fetched once for
 * any number of concurrent callers, and dropped when DOKU says it is no longer valid.
 */
export class TokenManager {
  private current: { token: string; refreshAtMs: number } | null = null;
  private inFlight: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<IssuedToken>,
    private readonly clock: Clock,
    private readonly refreshAheadMs = 60_000,
  ) {}

  async get(): Promise<string> {
    if (this.current && this.clock.now() < this.current.refreshAtMs) return this.current.token;
    return (this.inFlight ??= this.refresh());
  }

  /** Drops `token` if it is still the cached one (several callers may report the same token). */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = null;
  }

  private refresh(): Promise<string> {
    // Cleared in a callback rather than a `finally` inside an async function: a fetcher that throws
    // synchronously would otherwise clear `inFlight` before it is assigned and leave a rejected
    // promise cached for good.
    const attempt = this.fetchAndStore().finally(() => {
      if (this.inFlight === attempt) this.inFlight = null;
    });
    return attempt;
  }

  private async fetchAndStore(): Promise<string> {
    // DOKU's lifetime runs from when it issued the token, somewhere during the request; counting
    // from the start errs on the early side.
    const requestedAtMs = this.clock.now();
    const issued = await this.fetchToken();
    const lifetimeMs = issued.expiresInSeconds * 1000;
    // A lifetime shorter than the margin is refreshed at half-life instead of every call.
    const ahead = Math.min(this.refreshAheadMs, lifetimeMs / 2);
    this.current = { token: issued.accessToken, refreshAtMs: requestedAtMs + lifetimeMs - ahead };
    return issued.accessToken;
  }
}

/** `expiresIn` arrives as a number or a numeric string; anything else counts as DOKU's 900 s. */
export function parseExpiresIn(value: unknown): number {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 900;
}
