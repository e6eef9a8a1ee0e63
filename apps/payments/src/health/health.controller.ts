import { Controller, Get, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { DatabaseHealthIndicator } from './database.indicator';
import { RedisHealthIndicator } from './redis.indicator';

/**
 * Probes for orchestrators, in every ROLE, outside the API key and the rate limit.
 * - live: the process runs and serves HTTP; nothing else is checked, so an outage of PostgreSQL
 *   or Redis never gets a healthy process restarted.
 * - ready: PostgreSQL and Redis answer; 503 while either does not, 200 again once they do.
 */
@ApiExcludeController()
@SkipThrottle()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  private ready?: boolean;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  async readiness(@Res({ passthrough: true }) res: FastifyReply): Promise<HealthCheckResult> {
    try {
      const result = await this.health.check([
        () => this.database.check(),
        () => this.redis.check(),
      ]);
      this.transition(true, result);
      return result;
    } catch (err) {
      // The app-wide filter would turn any 5xx into a generic 500: answer the 503 here, with
      // terminus' body (which dependency is down and why).
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      this.transition(false, result);
      res.status(503);
      return result;
    }
  }

  /** One log line when readiness changes, not one per probe. */
  private transition(ready: boolean, result: HealthCheckResult): void {
    if (this.ready === ready) return;
    const first = this.ready === undefined;
    this.ready = ready;
    if (ready && first) return;
    if (ready) this.logger.log('ready again: PostgreSQL and Redis answer');
    else this.logger.warn({ down: result.error }, 'not ready: a dependency does not answer');
  }
}
