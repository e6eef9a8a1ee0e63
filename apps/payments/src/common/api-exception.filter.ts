import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, ErrorBody } from './api-error';

const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/** Whatever goes wrong, the caller gets `{ code, message, details }` and never a stack trace. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toResponse(exception);
    if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    if (!res.headersSent) res.status(status).json(body);
  }

  toResponse(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof ApiError)
      return { status: exception.status, body: exception.toBody() };
    const status = httpStatusOf(exception);
    if (status !== undefined && status < 500) {
      return {
        status,
        body: {
          code: CODES_BY_STATUS[status] ?? 'BAD_REQUEST',
          message: safeMessage(exception, status),
          details: [],
        },
      };
    }
    return {
      status: 500,
      body: {
        code: 'INTERNAL_ERROR',
        message: 'Something went wrong on our side; it has been logged.',
        details: [],
      },
    };
  }
}

function httpStatusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) return exception.getStatus();
  // body-parser errors carry a status of their own (400 malformed JSON, 413 too large, 415 charset).
  const status =
    (exception as { status?: unknown; statusCode?: unknown })?.status ??
    (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function safeMessage(exception: unknown, status: number): string {
  const type = (exception as { type?: string })?.type;
  if (type === 'entity.parse.failed') return 'The request body is not valid JSON.';
  if (type === 'entity.too.large') return 'The request body is too large.';
  if (status === 404) return 'No such route.';
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return 'The request was refused.';
}
