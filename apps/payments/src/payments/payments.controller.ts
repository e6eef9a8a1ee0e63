import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedRequest } from '../common/api-key.guard';
import { ListQuery, Page } from '../common/list';
import {
  ApiErrors,
  Idempotent,
  IdempotencyKey,
  InternalApi,
  pageOf,
  TakesBody,
} from '../http/api-docs';
import { RefundView } from '../refunds/refund.view';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { sendAnswer } from '../http/answer';
import { RequestWithRawBody } from '../http/request-body';
import { UuidParamPipe } from '../common/uuid-param.pipe';
import { CreatePaymentDto } from './dto/create-payment.dto';
import { FindPaymentsQuery } from './dto/find-payments.query';
import { PaymentCancellation } from './payment-cancellation';
import { QrSizeQuery } from './dto/qr-size.query';
import { QR_SIZES, qrPng, qrSvg } from './qr-image';
import { PaymentsService } from './payments.service';
import { ResolvePaymentDto } from './dto/resolve-payment.dto';
import { PaymentHistoryView } from './payment-history.view';
import { PaymentView } from './payment.view';

const PaymentPage = pageOf(PaymentView, 'PaymentPage');

/** One request per kind of channel (GET /v1/channels says what each takes). */
const CREATE_EXAMPLES = {
  dana: {
    summary: 'DANA: the customer goes to redirectUrl',
    value: {
      partnerReferenceNo: 'INV-1001',
      amount: { value: '15000.00', currency: 'IDR' },
      returnUrl: 'https://shop.example/orders/INV-1001',
      deviceId: 'device123',
      ipAddress: '203.0.113.7',
    },
  },
  virtualAccount: {
    summary: 'Virtual account (VA_BCA): the customer transfers to virtualAccount.number',
    value: {
      channel: 'VA_BCA',
      partnerReferenceNo: 'INV-4001',
      amount: { value: '150000.00', currency: 'IDR' },
      customerName: 'Budi Santoso',
      customerEmail: 'budi@example.com',
      validUpTo: '2030-01-01T10:00:00+07:00',
    },
  },
  qris: {
    summary:
      'QRIS: show qr (or GET /v1/payments/{id}/qr.png?size=256) for any wallet or bank app to scan',
    value: {
      channel: 'QRIS',
      partnerReferenceNo: 'INV-5001',
      amount: { value: '25000.00', currency: 'IDR' },
    },
  },
};
const RefundPage = pageOf(RefundView, 'RefundPage');

@ApiTags('payments')
@InternalApi()
@Controller('v1/payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly idempotency: IdempotencyService,
    private readonly cancellation: PaymentCancellation,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Create a payment for an order in a channel (DANA by default); returns what the customer needs: a redirectUrl, a virtualAccount to transfer to, or a qr to scan',
  })
  @Idempotent()
  @TakesBody()
  @ApiBody({ type: CreatePaymentDto, examples: CREATE_EXAMPLES })
  @ApiResponse({
    status: 201,
    type: PaymentView,
    description: 'Created; Location names it',
  })
  @ApiErrors(502)
  async create(
    @Body() dto: CreatePaymentDto,
    @Req() req: AuthenticatedRequest & RequestWithRawBody,
    @Res({ passthrough: true }) res: FastifyReply,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<unknown> {
    const request = { method: 'POST', path: '/v1/payments', rawBody: req.rawBody };
    const answer = await this.idempotency.run(req.caller!, idempotencyKey, request, () =>
      this.payments.create(dto, idempotencyKey),
    );
    return sendAnswer(res, answer, (body) => `/v1/payments/${String(body.id)}`);
  }

  @Get()
  @ApiOperation({
    summary:
      "Payments, newest first, a page at a time: by status, channel, creation time, the order's reference, a metadata key, or what a person must look at",
  })
  @ApiResponse({ status: 200, type: PaymentPage })
  find(@Query() query: FindPaymentsQuery): Promise<Page<PaymentView>> {
    return this.payments.find(query);
  }

  @Get(':id/refunds')
  @ApiOperation({ summary: 'The refunds of a payment, newest first' })
  @ApiResponse({ status: 200, type: RefundPage })
  @ApiErrors(404)
  refunds(
    @Param('id', new UuidParamPipe('id')) id: string,
    @Query() query: ListQuery,
  ): Promise<Page<RefundView>> {
    return this.payments.refundsOf(id, query);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Every status change of the payment, with its source and detail' })
  @ApiResponse({ status: 200, type: PaymentHistoryView })
  @ApiErrors(404)
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
  @TakesBody()
  @ApiErrors(404, 409)
  resolve(
    @Param('id', new UuidParamPipe('id')) id: string,
    @Body() dto: ResolvePaymentDto,
    @Req() req: AuthenticatedRequest,
  ): Promise<PaymentView> {
    return this.payments.resolve(id, dto, req.caller!);
  }

  @Get(':id/qr.png')
  @ApiOperation({ summary: "The payment's QR (QRIS) as PNG; `size` pixels a side, 128-1024" })
  @ApiProduces('image/png')
  @ApiResponse({ status: 200, description: 'image/png' })
  @ApiErrors(404)
  async qrPng(
    @Param('id', new UuidParamPipe('id')) id: string,
    @Query() query: QrSizeQuery,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const qr = await this.payments.qr(id);
    const png = await qrPng(qr.content, query.size ?? QR_SIZES.default);
    void res.header('Cache-Control', 'no-store').type('image/png').send(png);
  }

  @Get(':id/qr.svg')
  @ApiOperation({ summary: "The payment's QR (QRIS) as SVG" })
  @ApiProduces('image/svg+xml')
  @ApiResponse({ status: 200, description: 'image/svg+xml' })
  @ApiErrors(404)
  async qrSvg(
    @Param('id', new UuidParamPipe('id')) id: string,
    @Res() res: FastifyReply,
  ): Promise<void> {
    const qr = await this.payments.qr(id);
    void res
      .header('Cache-Control', 'no-store')
      .type('image/svg+xml')
      .send(await qrSvg(qr.content));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One payment, with its refunds' })
  @ApiResponse({ status: 200, type: PaymentView })
  @ApiErrors(404)
  get(@Param('id', new UuidParamPipe('id')) id: string): Promise<PaymentView> {
    return this.payments.get(id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Close an open payment at DOKU (a virtual account is deleted): CANCELLED; 409 when its channel cannot, it is no longer PENDING, or DOKU refuses (paid meanwhile)',
  })
  @ApiResponse({ status: 200, type: PaymentView })
  @ApiErrors(404, 409, 413, 415, 502)
  cancel(@Param('id', new UuidParamPipe('id')) id: string): Promise<PaymentView> {
    return this.cancellation.cancel(id);
  }

  @Post(':id/status-check')
  @HttpCode(200)
  @ApiOperation({ summary: "Ask DOKU's check status now and update the payment" })
  @ApiResponse({ status: 200, type: PaymentView })
  // Takes no body, but one sent is read as any POST's is (over 64 kb 413, not JSON 415).
  @ApiErrors(404, 413, 415, 502)
  checkStatus(@Param('id', new UuidParamPipe('id')) id: string): Promise<PaymentView> {
    return this.payments.checkStatus(id);
  }
}
