import { Inject, Injectable } from '@nestjs/common';
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { Clock, SnapCredentials } from '@app/doku-snap';
import { CLOCK, SNAP_CREDENTIALS } from '../config/tokens';

/** What DOKU is told: SNAP's B2B token lifetime, 900 s. */
export const NOTIFICATION_TOKEN_TTL_SECONDS = 900;

// Fixed labels: the MAC key is derived from the client secret, never the secret itself, so the
// secret keys nothing but SNAP's own HMAC signatures. A new label (v2) retires every token.
const HKDF_SALT = 'doku-payments';
const HKDF_INFO = 'notification access token v1';
const VERSION = 'v1';
const TOKEN_RE = /^v1\.([A-Za-z0-9_-]{1,512})\.([A-Za-z0-9_-]{43})$/;

interface TokenClaims {
  /** Client id the token was issued for. */
  cid: string;
  /** Issued at / expires at, seconds since the epoch. */
  iat: number;
  exp: number;
  /** Makes every token distinct, even two issued in the same second. */
  jti: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

/**
 * The bearer tokens we issue to DOKU before it notifies us. Stateless (claims + HMAC), so any
 * replica of the API accepts a token another one issued, with no shared store.
 */
@Injectable()
export class NotificationTokenService {
  private readonly key: Buffer;

  constructor(
    @Inject(SNAP_CREDENTIALS) private readonly credentials: SnapCredentials,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', credentials.clientSecret, HKDF_SALT, HKDF_INFO, 32));
  }

  issue(): IssuedToken {
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: TokenClaims = {
      cid: this.credentials.clientId,
      iat,
      exp: iat + NOTIFICATION_TOKEN_TTL_SECONDS,
      jti: randomBytes(12).toString('base64url'),
    };
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return {
      accessToken: `${VERSION}.${payload}.${this.mac(payload).toString('base64url')}`,
      expiresIn: NOTIFICATION_TOKEN_TTL_SECONDS,
    };
  }

  /** True for a token we issued, for our client id, not yet expired. Constant-time on the MAC. */
  verify(token: string): boolean {
    const match = TOKEN_RE.exec(token);
    if (!match) return false;
    const [, payload, presented] = match;
    const expected = this.mac(payload);
    const given = Buffer.from(presented, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(expected, given)) return false;
    const claims = parseClaims(payload);
    if (!claims || claims.cid !== this.credentials.clientId) return false;
    return claims.exp * 1000 > this.clock.now();
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(`${VERSION}.${payload}`, 'utf8').digest();
  }
}

function parseClaims(payload: string): TokenClaims | null {
  try {
    const claims = JSON.parse(
      Buffer.from(payload, 'base64url').toString('utf8'),
    ) as Partial<TokenClaims>;
    return typeof claims.cid === 'string' && typeof claims.exp === 'number'
      ? (claims as TokenClaims)
      : null;
  } catch {
    return null;
  }
}
