import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { CredentialsError } from '@app/doku-snap';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { resolveRuntime, ResolvedRuntime } from './runtime';

/** EX_CONFIG (sysexits.h): a supervisor should not restart in a loop on it. */
const EXIT_CONFIG = 78;

async function main(): Promise<void> {
  let runtime: ResolvedRuntime;
  try {
    runtime = await resolveRuntime(loadConfig());
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) console.error(`config error: ${problem}`);
      process.exit(EXIT_CONFIG);
    }
    if (err instanceof CredentialsError) {
      console.error(`config error: ${err.message}`);
      process.exit(EXIT_CONFIG);
    }
    throw err;
  }
  const app = await createApp(runtime);
  process.once('beforeExit', () => void runtime.stop());
  await app.listen(runtime.config.port, runtime.config.host);
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Main').log(`listening on ${address}:${port} (ROLE=${runtime.config.role})`);
  // Last, so it is what a person starting the service sees (with the generated API key).
  if (runtime.simulatorNotice) new Logger('Simulator').warn(runtime.simulatorNotice);
}

main().catch((err: unknown) => {
  // One line, no stack: the usual causes (PostgreSQL or Redis unreachable, port taken) are
  // clear from the message, and a stack would bury it.
  console.error(`startup failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
