import { ChildProcess, spawn } from 'node:child_process';
import { ROOT } from './build';

export interface Child {
  process: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_KEEP = 64 * 1024;

/**
 * Starts `node <args>` with exactly `env` (plus PATH and HOME), output kept for error reports;
 * `ipc` opens a message channel (used by the profiler).
 */
export function startNode(args: string[], env: Record<string, string>, ipc = false): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.length > OUTPUT_KEEP) out = out.slice(out.length - OUTPUT_KEEP);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.once('error', () => resolve(null));
  });
  if (child.pid === undefined) throw new Error(`could not start node ${args.join(' ')}`);
  return {
    process: child,
    pid: child.pid,
    output: () => out,
    exited,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `output()` matches `re`, the process exits, or `timeoutMs` passes. */
export async function waitForOutput(
  child: Child,
  re: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void child.exited.then(() => (gone = true));
  for (;;) {
    const match = re.exec(child.output());
    if (match) return match;
    if (gone) throw new Error(`process exited before it was ready:\n${child.output()}`);
    if (Date.now() > deadline)
      throw new Error(`process not ready in ${timeoutMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
