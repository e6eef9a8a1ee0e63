import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../common/api-key.guard';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { sendAnswer } from '../http/answer';
import { ApiErrors, Idempotent, IdempotencyKey, InternalApi, TakesBody } from '../http/api-docs';
import { RequestWithRawBody } from '../http/request-body';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { BalanceView, BindingView } from './binding.view';
import { CreateBindingDto } from './dto/create-binding.dto';
import { WalletBindingsService } from './wallet-bindings.service';

@ApiTags('wallet bindings')
@InternalApi()
@Controller('v1/wallet-bindings')
export class WalletBindingsController {
  constructor(
    private readonly bindings: WalletBindingsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "Start binding a customer's wallet account (OVO): send the customer to redirectUrl to confirm",
  })
  @ApiResponse({ status: 201, type: BindingView, description: 'Started; Location names it' })
  @Idempotent()
  @TakesBody()
  @ApiErrors(422, 502)
  async create(
    @Body() dto: CreateBindingDto,
    @Req() req: AuthenticatedRequest & RequestWithRawBody,
    @Res({ passthrough: true }) res: FastifyReply,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<unknown> {
    const request = { method: 'POST', path: '/v1/wallet-bindings', rawBody: req.rawBody };
    const answer = await this.idempotency.run(req.caller!, idempotencyKey, request, async () => ({
      status: 201,
      body: await this.bindings.start(dto),
    }));
    return sendAnswer(res, answer, (body) => `/v1/wallet-bindings/${String(body.id)}`);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One binding' })
  @ApiResponse({ status: 200, type: BindingView })
  @ApiErrors(404)
  get(@Param('id', new UuidParamPipe('id')) id: string): Promise<BindingView> {
    return this.bindings.get(id);
  }

  @Get(':id/balance')
  @ApiOperation({ summary: "The bound wallet's balance (DOKU's balance inquiry)" })
  @ApiResponse({ status: 200, type: BalanceView })
  @ApiErrors(404, 422, 502)
  balance(@Param('id', new UuidParamPipe('id')) id: string): Promise<BalanceView> {
    return this.bindings.balance(id);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Unbind at DOKU: the binding becomes UNBOUND' })
  @ApiResponse({ status: 200, type: BindingView })
  @ApiErrors(404, 422, 502)
  unbind(@Param('id', new UuidParamPipe('id')) id: string): Promise<BindingView> {
    return this.bindings.unbind(id);
  }
}
