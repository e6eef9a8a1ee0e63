import 'reflect-metadata';
import { createDataSource, runMigrations } from '@app/persistence';
import { ConfigError, loadConfig } from './config/app-config';
import { ensureDatabase } from './database/ensure-database';

/**
 * `npm run migration:run` (node dist/apps/payments/src/migrate.js): applies pending migrations
 * from the build, with the service's own configuration, then exits. Deployments run it once
 * before starting API and worker processes with MIGRATIONS_RUN=false.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const problem of err.problems) console.error(`config error: ${problem}`);
    process.exit(78);
  }
  await ensureDatabase(config.databaseUrl, console.log);
  // Two connections: one holds the migrations lock while the other applies them.
  const dataSource = createDataSource({ url: config.databaseUrl, poolSize: 2 });
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    console.log(
      applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'no pending migrations',
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(`migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
