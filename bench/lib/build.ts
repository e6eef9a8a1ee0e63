import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(__dirname, '../..');
const run = promisify(execFile);

export interface Build {
  dir: string;
  serviceMain: string;
  simulatorMain: string;
  remove(): void;
}

/**
 * Compiles the service and the simulator (tsconfig.build.json, the way `npm run build` does) into
 * a directory of the benchmark's own, so that a parallel `npm run build` (which empties dist/)
 * cannot pull files from under a running benchmark. tsx cannot run the service from source: its
 * esbuild transform emits no decorator metadata, which Nest's injection needs.
 */
export async function buildService(): Promise<Build> {
  // Inside the project so that the compiled files resolve the project's node_modules.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'bench-build-'));
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  try {
    await run(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', dir], { cwd: ROOT });
    await run(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', dir], { cwd: ROOT });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const out = err as { stdout?: string; stderr?: string };
    throw new Error(`build failed:\n${out.stdout ?? ''}${out.stderr ?? ''}`.trim(), {
      cause: err,
    });
  }
  return {
    dir,
    serviceMain: join(dir, 'apps/payments/src/main.js'),
    simulatorMain: join(dir, 'apps/doku-simulator/src/main.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
