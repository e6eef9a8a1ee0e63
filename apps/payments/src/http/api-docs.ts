import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  Type,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiHeader,
  ApiProperty,
  ApiResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeyGuard } from '../common/api-key.guard';

/** The name the OpenAPI document gives the API-key scheme. */
export const API_KEY_SCHEME = 'apiKey';

/** The one error shape of the internal API (api-error.ts), as the document shows it. */
export class ErrorBodyView {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'UPPER_SNAKE, stable' })
  code: string;
  @ApiProperty({ example: 'The request is invalid.' }) message: string;
  @ApiProperty({
    type: 'array',
    description: 'What is wrong, field by field',
    items: {
      type: 'object',
      required: ['message'],
      properties: {
        field: {
          type: 'string',
          example: 'amount.value',
          description: 'The field or header at fault',
        },
        message: { type: 'string', example: 'amount.value is required' },
      },
      // Some say more: the payment that holds an order (paymentId), what is left to refund.
      additionalProperties: true,
    },
  })
  details: { field?: string; message: string; [key: string]: unknown }[];
}

const WHY: Record<number, string> = {
  400: 'Bad input (VALIDATION_FAILED, BAD_REQUEST, DUPLICATE_KEY, FORBIDDEN_KEY, INVALID_IDEMPOTENCY_KEY)',
  401: 'No valid API key (UNAUTHORIZED), with WWW-Authenticate',
  404: 'No such payment, refund, event or endpoint',
  409: 'In conflict with what exists or is under way',
  413: 'The body is over 64 kb (PAYLOAD_TOO_LARGE)',
  415: 'The body is not JSON, or not UTF-8, or compressed (UNSUPPORTED_MEDIA_TYPE)',
  422: 'Understood but refused (the Idempotency-Key used for another body, a refund over what is left, DOKU refusing the payment)',
  429: 'Too many requests from this caller (TOO_MANY_REQUESTS), with Retry-After',
  502: 'DOKU refused the call (DOKU_REJECTED, DOKU_STATUS_CHECK_REFUSED)',
  503: 'DOKU gave no answer, or the service is stopping (Retry-After)',
};

/** Documents each status as answered with the error body. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: WHY[status], type: ErrorBodyView }),
    ),
  );
}

/**
 * A controller of the internal API: behind the API key, every route documented with the errors
 * any route may answer.
 */
export function InternalApi(): ClassDecorator {
  return applyDecorators(
    ApiBearerAuth(API_KEY_SCHEME),
    UseGuards(ApiKeyGuard),
    ApiExtraModels(ErrorBodyView),
    ApiErrors(400, 401, 429, 503),
  );
}

/** A route that takes a JSON body: its own errors besides those of every route. */
export function TakesBody(): MethodDecorator {
  return ApiErrors(413, 415);
}

/** A route that takes an Idempotency-Key: the header once, optional, and what a key may answer. */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        '1-255 visible ASCII characters. The same key with the same JSON (whatever its whitespace or key order) answers the first response\'s bytes again, with "Idempotent-Replayed: true"; with another body 422; while the first runs 409.',
    }),
    ApiErrors(409, 422),
  );
}

/** The Idempotency-Key header's value (read as a request property, so the document lists it once). */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => {
    const value = context.switchToHttp().getRequest<FastifyRequest>().headers['idempotency-key'];
    return Array.isArray(value) ? value[0] : value;
  },
);

/** A page of `view`s as the document shows it (`Page<T>` is erased at run time). */
export function pageOf(view: Type, name: string): Type {
  class PageView {
    @ApiProperty({ type: [view] }) items: unknown[];
    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass as `after` for the next page; null on the last',
    })
    nextCursor: string | null;
    @ApiProperty() hasMore: boolean;
  }
  Object.defineProperty(PageView, 'name', { value: name });
  return PageView;
}
