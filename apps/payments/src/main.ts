import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { resolveRuntime } from './runtime';
import { CredentialsError } from '@app/doku-snap';

async function main(): Promise<void> {
  let runtime;
  try {
    runtime = await resolveRuntime(loadConfig());
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) console.error(`config error: ${problem}`);
      process.exit(78);
    }
    if (err instanceof CredentialsError) {
      console.error(`config error: ${err.message}`);
      process.exit(78);
    }
    throw err;
  }
  const app = await createApp(runtime);
  const stopSimulator = runtime.stop;
  process.once('beforeExit', () => void stopSimulator());
  await app.listen(runtime.config.port);
}

void main();
