import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../common/api-key.guard';
import { Page } from '../common/list';
import {
  ApiErrors,
  Idempotent,
  IdempotencyKey,
  InternalApi,
  pageOf,
  TakesBody,
} from '../http/api-docs';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { sendAnswer } from '../http/answer';
import { RequestWithRawBody } from '../http/request-body';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { RefundView } from './refund.view';
import { CreateRefundDto } from './dto/create-refund.dto';
import { FindRefundsQuery } from './dto/find-refunds.query';
import { RefundsService } from './refunds.service';

const RefundPage = pageOf(RefundView, 'RefundPage');

@ApiTags('refunds')
@InternalApi()
@Controller('v1')
export class RefundsController {
  constructor(
    private readonly refunds: RefundsService,
    private readonly idempotency: IdempotencyService,
  ) {}

  @Post('payments/:id/refunds')
  @ApiOperation({ summary: 'Request a full or partial refund; processed in the background' })
  @Idempotent()
  @TakesBody()
  @ApiResponse({
    status: 202,
    type: RefundView,
    description: 'Accepted, settled in the background; Location names it',
  })
  @ApiErrors(404)
  async create(
    @Param('id', new UuidParamPipe('id')) paymentId: string,
    @Body() dto: CreateRefundDto,
    @Req() req: AuthenticatedRequest & RequestWithRawBody,
    @Res({ passthrough: true }) res: FastifyReply,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<unknown> {
    const request = {
      method: 'POST',
      path: `/v1/payments/${paymentId}/refunds`,
      rawBody: req.rawBody,
    };
    const caller = req.caller!;
    const answer = await this.idempotency.run(caller, idempotencyKey, request, () =>
      this.refunds.request(
        paymentId,
        dto,
        idempotencyKey === undefined ? undefined : { caller, key: idempotencyKey },
        req.id,
      ),
    );
    return sendAnswer(res, answer, (body) => `/v1/refunds/${String(body.id)}`);
  }

  @Get('refunds')
  @ApiOperation({
    summary:
      'Refunds, newest first, a page at a time: by status, payment, partnerRefundNo, creation time, or what a person must look at',
  })
  @ApiResponse({ status: 200, type: RefundPage })
  find(@Query() query: FindRefundsQuery): Promise<Page<RefundView>> {
    return this.refunds.find(query);
  }

  @Get('refunds/:id')
  @ApiOperation({ summary: 'One refund' })
  @ApiResponse({ status: 200, type: RefundView })
  @ApiErrors(404)
  get(@Param('id', new UuidParamPipe('id')) id: string): Promise<RefundView> {
    return this.refunds.get(id);
  }
}
