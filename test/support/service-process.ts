import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
let built: string | undefined;

/**
 * Compiles the service once per test process into a directory of its own (tests run the build
 * the way production does; a parallel `npm run build` never disturbs them).
 */
export function buildService(): string {
  if (built) return built;
  // Inside the project, so the build resolves the project's node_modules.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(join(cache, 'test-build-'));
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  built = outDir;
  return outDir;
}

/** Removes the build made by buildService (call from afterAll). */
export function removeBuild(): void {
  if (built) rmSync(built, { recursive: true, force: true });
  built = undefined;
}

export interface ServiceProcess {
  child: ChildProcess;
  output(): string;
  /** Its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown hooks, no goodbye, as when a machine dies. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a graceful exit. */
  stop(): Promise<number | null>;
}

/** Starts the built service as a separate process with `env` (e.g. ROLE=worker). */
export function startServiceProcess(env: Record<string, string>): ServiceProcess {
  const dir = buildService();
  const child = spawn(process.execPath, [join(dir, 'apps/payments/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * A worker process (ROLE=worker) beside a harness whose API runs in the test: its database and
 * Redis (`env`, the harness's), no migrations, a short job lock so that a killed worker's jobs are
 * taken over soon; `extra` for what a test needs besides.
 */
export function startWorkerProcess(
  env: Record<string, string>,
  extra: Record<string, string> = {},
): ServiceProcess {
  return startServiceProcess({
    ...env,
    ROLE: 'worker',
    PORT: '0',
    MIGRATIONS_RUN: 'false',
    LOG_LEVEL: 'warn',
    WORKER_LOCK_MS: '1500',
    ...extra,
  });
}
