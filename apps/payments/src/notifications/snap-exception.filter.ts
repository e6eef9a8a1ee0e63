import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SnapError, snapErrors } from './snap-error';

/**
 * Scoped to the DOKU-facing controllers: whatever goes wrong, DOKU gets a SNAP body, never the
 * internal API's `{ code, message, details }` and never a stack trace. Unexpected errors are a
 * 500 (DOKU retries, which is what we want when, say, the database is away).
 */
@Catch()
export class SnapExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SnapExceptionFilter');

  constructor(private readonly service: string) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toSnapError(exception);
    if (error.httpStatus >= 500)
      this.logger.error({ err: exception }, 'DOKU call failed on our side');
    if (!reply.sent && !reply.raw.headersSent)
      void reply.status(error.httpStatus).send(error.toBody());
  }

  private toSnapError(exception: unknown): SnapError {
    if (exception instanceof SnapError) return exception;
    const errors = snapErrors(this.service);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 401) return errors.unauthorized('Unauthorized');
      // The rate limit (ThrottlingModule): SNAP's own code for it, so DOKU retries later.
      if (status === 429) return new SnapError(429, `429${this.service}00`, 'Too Many Requests');
      if (status < 500) return errors.badRequest();
    }
    return errors.generalError();
  }
}
