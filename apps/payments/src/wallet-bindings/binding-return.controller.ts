import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { SECRET_URL } from '../logging/request-log';
import { BINDING_RETURN_PATH, WalletBindingsService } from './wallet-bindings.service';

/**
 * Where DOKU sends the customer's browser after the wallet's binding page: no API key (it is the
 * customer), the unguessable nonce in the path instead. Answers with a redirect to the caller's
 * success or failure URL.
 */
@ApiExcludeController()
@Controller()
export class BindingReturnController {
  constructor(private readonly bindings: WalletBindingsService) {}

  @Get(BINDING_RETURN_PATH.slice(1))
  @RouteConfig({ [SECRET_URL]: true })
  async back(
    @Param('id', new UuidParamPipe('id')) id: string,
    @Param('nonce') nonce: string,
    @Param('result') result: string,
    @Query('authCode') authCode: string | undefined,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const code = typeof authCode === 'string' && authCode.length <= 2048 ? authCode : undefined;
    const location = await this.bindings.complete(id, nonce, result, code);
    await res.status(302).header('Location', location).header('Cache-Control', 'no-store').send();
  }
}
