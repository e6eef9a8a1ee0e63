import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'apps/doku-simulator/src/main.ts');

interface Started {
  child: ChildProcess;
  url: string;
  line: string;
}

/** Runs main.ts as `npm run start:simulator` would (from source), until it logs its URL. */
function start(env: Record<string, string>): Promise<Started> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(TSX, [MAIN], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start line; stderr: ${err}`));
    }, 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, url: match[1], line: out.trim() });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}: ${err}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolvePromise) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolvePromise(code));
    child.kill('SIGTERM');
  });
}

describe('DOKU simulator: standalone start (main.ts)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'doku-sim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes generated credentials to SIMULATOR_CREDENTIALS_FILE, reuses them, and stops on SIGTERM', async () => {
    const file = join(dir, 'shared', 'credentials.json');
    const env = {
      SIMULATOR_PORT: '0',
      SIMULATOR_CREDENTIALS_FILE: file,
      SIMULATOR_NOTIFICATION_FORM: 'RSA',
    };

    const first = await start(env);
    expect(first.line.split('\n')).toHaveLength(1);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.clientId).toMatch(/^BRN-SIM-/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const served = await (await fetch(`${first.url}/__control/credentials`)).json();
    expect(served).toEqual(written);
    const settings = (await (await fetch(`${first.url}/__control/settings`)).json()) as {
      notificationForm: string;
    };
    expect(settings.notificationForm).toBe('RSA');
    expect(await stop(first.child)).toBe(0);

    const second = await start(env);
    const again = await (await fetch(`${second.url}/__control/credentials`)).json();
    expect(again).toEqual(written);
    expect(await stop(second.child)).toBe(0);
  });

  it('refuses a bad setting with one clear line', async () => {
    await expect(
      start({ SIMULATOR_PORT: '0', SIMULATOR_NOTIFICATION_FORM: 'MD5' }),
    ).rejects.toThrow(
      /exited with 78: doku-simulator: SIMULATOR_NOTIFICATION_FORM must be HMAC or RSA/,
    );
  });
});
