import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { DatabaseWatch } from '../common/dependency-watch';
import { DATA_SOURCE } from '../config/tokens';
import { probe } from './probe';

/**
 * PostgreSQL answers SELECT 1 through the service's own pool: the pool is what requests use,
 * so a pool that cannot reach the server is what readiness must report.
 */
@Injectable()
export class DatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly watch: DatabaseWatch,
  ) {}

  check() {
    return this.health.check('database').attempt(async () => {
      try {
        await probe('PostgreSQL', () => this.dataSource.query('SELECT 1'));
      } catch (err) {
        this.watch.failed(err);
        throw err;
      }
      this.watch.recovered();
    });
  }
}
