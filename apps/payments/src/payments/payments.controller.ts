import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard, AuthenticatedRequest } from '../common/api-key.guard';
import { ListQuery, Page } from '../common/list';
import { RefundView } from '../refunds/refund.view';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { sendAnswer } from '../http/answer';
import { RequestWithRawBody } from '../http/request-body';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { FindPaymentsQuery } from './dto/find-payments.query';
import { PaymentsService } from './payments.service';
import { ResolvePaymentDto } from './dto/resolve-payment.dto';
import { PaymentHistoryView } from './payment-history.view';
import { PaymentView } from './payment.view';

@ApiTags('payments')
@ApiBearerAuth()
@UseGuards(ApiKeyGuard)
@Controller('v1/payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a DANA payment for an order; returns where to send the customer',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 characters; a retry with the same key and body replays the first response',
  })
  @ApiResponse({ status: 201, type: PaymentView })
  async create(
    @Body() dto: CreatePaymentDto,
    @Req() req: AuthenticatedRequest & RequestWithRawBody,
    @Res({ passthrough: true }) res: FastifyReply,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<unknown> {
    const hash = IdempotencyService.requestHash('POST', '/v1/payments', req.rawBody);
    const answer = await this.idempotency.run(req.caller!, idempotencyKey, hash, () =>
      this.payments.create(dto, idempotencyKey),
    );
    return sendAnswer(res, answer, (body) => `/v1/payments/${String(body.id)}`);
  }

  @Get()
  @ApiOperation({
    summary:
      "Payments, newest first, a page at a time: by status, channel, creation time, the order's reference, a metadata key, or what a person must look at",
  })
  find(@Query() query: FindPaymentsQuery): Promise<Page<PaymentView>> {
    return this.payments.find(query);
  }

  @Get(':id/refunds')
  @ApiOperation({ summary: 'The refunds of a payment, newest first' })
  refunds(
    @Param('id', new UuidParamPipe('id')) id: string,
    @Query() query: ListQuery,
  ): Promise<Page<RefundView>> {
    return this.payments.refundsOf(id, query);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Every status change of the payment, with its source and detail' })
  @ApiResponse({ status: 200, type: PaymentHistoryView })
  history(@Param('id', new UuidParamPipe('id')) id: string): Promise<PaymentHistoryView> {
    return this.payments.history(id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Resolve a payment marked for attention: refund what DOKU took, or accept it as PAID (recorded with who and why)',
  })
  @ApiResponse({ status: 200, type: PaymentView })
  resolve(
    @Param('id', new UuidParamPipe('id')) id: string,
    @Body() dto: ResolvePaymentDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<PaymentView> {
    return this.payments.resolve(id, dto, req.caller!);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One payment, with its refunds' })
  @ApiResponse({ status: 200, type: PaymentView })
  get(@Param('id', new UuidParamPipe('id')) id: string): Promise<PaymentView> {
    return this.payments.get(id);
  }

  @Post(':id/status-check')
  @HttpCode(200)
  @ApiOperation({ summary: "Ask DOKU's check status now and update the payment" })
  @ApiResponse({ status: 200, type: PaymentView })
  checkStatus(@Param('id', new UuidParamPipe('id')) id: string): Promise<PaymentView> {
    return this.payments.checkStatus(id);
  }
}
