import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { Child } from './child';

/**
 * `node --cpu-prof` writes its profile at a clean exit only, and Nest re-raises SIGTERM after its
 * shutdown hooks (no clean exit), and would profile start-up too. Instead the service is started
 * with this preload, which profiles the main thread through the in-process inspector between two
 * messages on an IPC channel: exactly the measured window. (Not signals: Nest's shutdown hooks
 * take SIGUSR2 and most others.)
 */
const PRELOAD = `'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');
const session = new inspector.Session();
session.connect();
let running = false;
if (process.channel) process.channel.unref();
process.on('message', (message) => {
  if (!message || typeof message.benchProfile !== 'string') return;
  const file = message.file;
  if (message.benchProfile === 'start' && !running) {
    running = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 250 }, () =>
        session.post('Profiler.start', () => fs.writeFileSync(file + '.started', ''))));
  } else if (message.benchProfile === 'stop' && running) {
    running = false;
    session.post('Profiler.stop', (err, result) => {
      fs.writeFileSync(file + '.tmp', err ? '{}' : JSON.stringify(result.profile));
      fs.renameSync(file + '.tmp', file);
    });
  }
});
`;

export interface ProfilerSetup {
  /** Where the profiles go (a fresh temporary directory). */
  dir: string;
  /** Node flags for the service: the preload above. */
  nodeArgs: string[];
}

export function profilerSetup(): ProfilerSetup {
  const dir = mkdtempSync(join(tmpdir(), 'doku-bench-profile-'));
  const preload = join(dir, 'preload.cjs');
  writeFileSync(preload, PRELOAD);
  return { dir, nodeArgs: ['--require', preload] };
}

async function waitForFile(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`no ${path} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts a profile named `name`; the function returned stops it and gives the file. */
export type ProfileWindow = (name: string) => Promise<() => Promise<string>>;

/**
 * Starts profiling the service's main thread; the function returned stops it and resolves with
 * the profile's path (`<dir>/service-<name>.cpuprofile`).
 */
export async function profileService(
  child: Child,
  setup: ProfilerSetup,
  name: string,
): Promise<() => Promise<string>> {
  const file = join(setup.dir, `service-${name}.cpuprofile`);
  child.process.send({ benchProfile: 'start', file });
  await waitForFile(`${file}.started`, 10_000);
  return async () => {
    child.process.send({ benchProfile: 'stop', file });
    await waitForFile(file, 60_000);
    return file;
  };
}

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  wallMs: number;
  /** Self time by where the code lives (package, or app/library folder). */
  byArea: { area: string; ms: number; share: number }[];
  /** Self time by function. */
  byFunction: { fn: string; area: string; ms: number; share: number }[];
  /**
   * Time inside socket write calls (writev & co.), by the package that wrote: on this kind of
   * machine a write to a loopback socket is far from free, so round trips show up here.
   */
  socketWrites: { by: string; ms: number; share: number }[];
}

/** Where a frame's code lives: `pg`, `@nestjs/core`, `app:payments/doku`, `lib:doku-snap/http`, `node`, ... */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('node:')) return 'node';
  const path = url
    .replace(/^file:\/\//, '')
    .split(sep)
    .join('/');
  const own = /\/(apps|libs)\/([^/]+)\/src\/([^/]+)/.exec(path);
  if (own)
    return `${own[1] === 'apps' ? 'app' : 'lib'}:${own[2]}/${own[3].replace(/\.[jt]s$/, '')}`;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.includes('/bench/')) return 'bench';
  return path;
}

const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String']);

/** Aggregates a CPU profile: self time by area and by function, and socket writes by writer. */
export function summarizeProfile(source: string | CpuProfile, top = 25): ProfileSummary {
  const profile =
    typeof source === 'string' ? (JSON.parse(readFileSync(source, 'utf8')) as CpuProfile) : source;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (deltas[i] ?? 0));
  }
  const wallUs = profile.endTime - profile.startTime;
  const areas = new Map<string, number>();
  const fns = new Map<string, { area: string; us: number }>();
  const writers = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const file = url.split('/').slice(-1)[0];
    const key = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    const entry = fns.get(key) ?? { area, us: 0 };
    entry.us += us;
    fns.set(key, entry);
    if (url === '' && SOCKET_WRITES.has(functionName)) {
      // The first caller outside Node's own streams: the package that wrote.
      let by = 'node';
      for (let at = parent.get(node.id); at !== undefined; at = parent.get(at)) {
        const f = byId.get(at)!.callFrame;
        const a = areaOf(f.url, f.functionName);
        if (a !== 'node' && a !== 'native') {
          by = a;
          break;
        }
        if (f.url === 'node:_http_outgoing') {
          by = 'node:http (responses)';
          break;
        }
      }
      writers.set(by, (writers.get(by) ?? 0) + us);
    }
  }
  const share = (us: number) => Math.round((us / wallUs) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const sorted = <T>(m: Map<string, T>, us: (v: T) => number) =>
    [...m.entries()].sort((a, b) => us(b[1]) - us(a[1])).slice(0, top);
  return {
    wallMs: ms(wallUs),
    byArea: sorted(areas, (v) => v).map(([area, us]) => ({ area, ms: ms(us), share: share(us) })),
    byFunction: sorted(fns, (v) => v.us).map(([fn, e]) => ({
      fn,
      area: e.area,
      ms: ms(e.us),
      share: share(e.us),
    })),
    socketWrites: sorted(writers, (v) => v).map(([by, us]) => ({
      by,
      ms: ms(us),
      share: share(us),
    })),
  };
}

export function formatProfile(title: string, summary: ProfileSummary, top = 15): string {
  const pct = (n: number) => `${n.toFixed(1).padStart(5)}%`;
  const lines = [`${title} (${summary.wallMs} ms of wall time sampled):`];
  lines.push('  self time by area:');
  for (const a of summary.byArea.slice(0, top)) lines.push(`    ${pct(a.share)}  ${a.area}`);
  lines.push('  self time by function:');
  for (const f of summary.byFunction.slice(0, top))
    lines.push(`    ${pct(f.share)}  ${f.fn}  [${f.area}]`);
  if (summary.socketWrites.length > 0) {
    lines.push('  inside socket writes, by writer:');
    for (const w of summary.socketWrites) lines.push(`    ${pct(w.share)}  ${w.by}`);
  }
  return lines.join('\n');
}

/** Profiles this process's main thread while `fn` runs (the in-process inspector). */
export async function profileInProcess<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; profile: CpuProfile }> {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = <R>(method: string, params?: object) =>
    new Promise<R>((resolve, reject) =>
      session.post(method, params ?? {}, (err, result) =>
        err ? reject(err) : resolve(result as R),
      ),
    );
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 250 });
  await post('Profiler.start');
  try {
    const value = await fn();
    const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
    return { value, profile };
  } finally {
    session.disconnect();
  }
}
