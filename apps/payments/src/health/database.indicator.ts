import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../config/tokens';
import { HEALTH_CHECK_TIMEOUT_MS } from './health.constants';

/**
 * PostgreSQL answers SELECT 1 through the service's own pool: the pool is what requests use,
 * so a pool that cannot reach the server is what readiness must report.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  check() {
    return this.health
      .check('database')
      .attempt(async () => {
        await this.dataSource.query('SELECT 1');
      })
      .withTimeout(HEALTH_CHECK_TIMEOUT_MS);
  }
}
