import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { INestApplication, Logger } from '@nestjs/common';
import { CredentialsError } from '@app/doku-snap';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { resolveRuntime, ResolvedRuntime } from './runtime';

/** EX_CONFIG (sysexits.h): a supervisor should not restart in a loop on it. */
const EXIT_CONFIG = 78;
/** A stop that failed on the way (an error while closing); what was closed is closed. */
const EXIT_STOP_FAILED = 1;
/** A stop that outlasted SHUTDOWN_GRACE_MS (or a second signal): the process ended it. */
export const EXIT_GRACE_EXCEEDED = 124;

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
  stopOnSignals(app, runtime);
  await app.listen(runtime.config.port, runtime.config.host);
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Main').log(`listening on ${address}:${port} (ROLE=${runtime.config.role})`);
  // Last, so it is what a person starting the service sees (with the generated API key).
  if (runtime.simulatorNotice) new Logger('Simulator').warn(runtime.simulatorNotice);
}

/**
 * SIGTERM or SIGINT stops the service within SHUTDOWN_GRACE_MS whatever is down: HTTP stops taking
 * requests and drains, workers finish (or release) the jobs in hand, connections close. Exits 0
 * when all of it closed, 1 when something failed on the way, 124 when the grace ran out (or a
 * second signal came): whatever was left is left to the sweeper and the stalled-job check.
 */
function stopOnSignals(app: INestApplication, runtime: ResolvedRuntime): void {
  const logger = new Logger('Main');
  const graceMs = runtime.config.shutdownGraceMs;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(EXIT_GRACE_EXCEEDED);
    }
    stopping = true;
    const started = Date.now();
    logger.log({ signal, graceMs }, `stopping (${signal}), within ${graceMs} ms`);
    const deadline = setTimeout(() => {
      logger.error(
        { signal, graceMs },
        'stop not finished within SHUTDOWN_GRACE_MS: exiting with what is left open',
      );
      process.exit(EXIT_GRACE_EXCEEDED);
    }, graceMs);
    try {
      await app.close();
      await runtime.stop();
      logger.log({ signal, tookMs: Date.now() - started }, 'stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ signal, err }, 'stop failed');
      process.exit(EXIT_STOP_FAILED);
    } finally {
      clearTimeout(deadline);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (s) => void stop(s));
}

main().catch((err: unknown) => {
  // One line, no stack: the usual causes (PostgreSQL or Redis unreachable, port taken) are
  // clear from the message, and a stack would bury it.
  console.error(`startup failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
