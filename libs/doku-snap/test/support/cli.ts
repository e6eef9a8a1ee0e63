import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../../..');
const MAIN = resolve(__dirname, '../../src/cli/main.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed; the CLI promises exactly one JSON object there. */
  json: Record<string, unknown>;
}

/**
 * Runs the CLI as a child process with only the environment given (plus PATH), so nothing from
 * the developer's shell leaks in. tsx's CommonJS hook starts about twice as fast as `--import tsx`,
 * which matters on a two-core runner with dozens of runs; the npm script is tested separately.
 */
export function runCliProcess(
  args: string[],
  env: Record<string, string> = {},
  command: { file: string; args: string[] } = {
    file: process.execPath,
    args: ['--require', 'tsx/cjs', MAIN],
  },
): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(command.file, [...command.args, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => {
      let json: Record<string, unknown>;
      try {
        json = JSON.parse(stdout);
      } catch {
        fail(new Error(`stdout is not one JSON object (exit ${code}): ${stdout}\n${stderr}`));
        return;
      }
      done({ code, stdout, stderr, json });
    });
  });
}

/** Writes test inputs to a fresh temporary directory and returns their paths. */
export class TempFiles {
  readonly dir = mkdtempSync(join(tmpdir(), 'doku-snap-cli-'));
  private n = 0;

  write(content: string, name = `file-${++this.n}.json`): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }
}
