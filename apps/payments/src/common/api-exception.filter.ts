import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BODY_LIMIT } from './body-limit';
import { ApiError, ErrorBody } from './api-error';

const CODES_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

/** Whatever goes wrong, the caller gets `{ code, message, details }` and never a stack trace. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body } = this.toResponse(exception);
    if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    if (!reply.sent && !reply.raw.headersSent) void reply.status(status).send(body);
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
  // Fastify's errors carry a status of their own (413 body too large, 400 bad URL ...).
  const status = (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : undefined;
}

function safeMessage(exception: unknown, status: number): string {
  if (status === 413) return `The request body is too large: at most ${BODY_LIMIT / 1024} kb.`;
  if (status === 414) return 'The URL is too long.';
  if (status === 404) return 'No such route.';
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const message =
      typeof response === 'string' ? response : (response as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return 'The request was refused.';
}
