import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseHealthIndicator } from './database.indicator';
import { HealthController } from './health.controller';
import { RedisHealthIndicator } from './redis.indicator';

/** /health/live (the process serves HTTP) and /health/ready (PostgreSQL and Redis answer). */
@Module({
  // Failures are logged by the controller, once per change, through the app's JSON logger.
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [DatabaseHealthIndicator, RedisHealthIndicator],
})
export class HealthModule {}
