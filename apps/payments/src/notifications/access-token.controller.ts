import { Controller, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Clock, ServiceCode, SnapCredentials, snapTimestamp } from '@app/doku-snap';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, CLOCK, SNAP_CREDENTIALS } from '../config/tokens';
import { DokuRequest, headerOf, rawBodyOf } from './doku-body';
import { NotificationTokenService } from './notification-token.service';
import { snapErrors } from './snap-error';
import { SnapExceptionFilter } from './snap-exception.filter';
import { verifyTokenRequest } from './token-request';

export const TOKEN_PATH = '/authorization/v1/access-token/b2b';

const errors = snapErrors(ServiceCode.B2B_TOKEN);

/** DOKU asks us for a bearer token (RSA-signed `clientId|X-TIMESTAMP`) before it notifies. */
@ApiExcludeController()
@Controller()
@UseFilters(new SnapExceptionFilter(ServiceCode.B2B_TOKEN))
export class AccessTokenController {
  constructor(
    private readonly tokens: NotificationTokenService,
    @Inject(SNAP_CREDENTIALS) private readonly credentials: SnapCredentials,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post(TOKEN_PATH)
  @HttpCode(200)
  issue(@Req() req: DokuRequest, @Res({ passthrough: true }) res: FastifyReply) {
    const nowMs = this.clock.now();
    verifyTokenRequest(
      {
        clientKey: headerOf(req, 'X-CLIENT-KEY'),
        timestamp: headerOf(req, 'X-TIMESTAMP'),
        signature: headerOf(req, 'X-SIGNATURE'),
        rawBody: rawBodyOf(req),
      },
      {
        credentials: this.credentials,
        nowMs,
        toleranceSeconds: this.config.notificationToleranceSeconds,
        errors,
      },
    );
    const { accessToken, expiresIn } = this.tokens.issue();
    res.header('X-CLIENT-KEY', this.credentials.clientId);
    res.header('X-TIMESTAMP', snapTimestamp(nowMs));
    res.header('Cache-Control', 'no-store');
    return {
      responseCode: '2007300',
      responseMessage: 'Successful',
      accessToken,
      tokenType: 'Bearer',
      expiresIn,
      additionalInfo: {},
    };
  }
}
