import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG } from '../config/tokens';
import type { AppConfig } from '../config/app-config';
import { ApiError } from './api-error';

export type AuthenticatedRequest = FastifyRequest & { caller?: string };

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Internal callers present `Authorization: Bearer <key>`. Keys are compared as SHA-256 digests in
 * constant time, against every configured key, so timing tells nothing about which one is close.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: Buffer[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = config.apiKeys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    // The scheme's name is case-insensitive (RFC 9110): bearer, Bearer, BEARER.
    const match =
      typeof header === 'string' ? /^bearer +([\x21-\x7e]{1,512})$/i.exec(header) : null;
    if (match) {
      const presented = digest(match[1]);
      let ok = false;
      for (const key of this.keys) ok = timingSafeEqual(key, presented) || ok;
      if (ok) {
        // A fingerprint, not the key: scopes idempotency keys per caller.
        req.caller = presented.toString('hex').slice(0, 32);
        return true;
      }
    }
    context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .header('WWW-Authenticate', 'Bearer realm="doku-payments"');
    throw new ApiError(
      401,
      'UNAUTHORIZED',
      'A valid API key is required: Authorization: Bearer <key>.',
    );
  }
}
