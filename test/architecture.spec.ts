import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The import graph of the tree, read from the sources: libraries at the bottom, no app importing
 * another, and in the service, features above the DOKU core with no cycle between folders.
 */
const ROOT = resolve(__dirname, '..');
const SERVICE = join(ROOT, 'apps/payments/src');
const LIBS = ['doku-snap', 'persistence', 'doku-simulator'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.(e2e-)?spec\.ts$/.test(name) ? [path] : [];
  });
}

/** Each import of a file, static or dynamic, as a path from the root or a `@app/` name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/\bfrom\s+'([^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]);
  return specifiers.flatMap((s) => {
    if (s.startsWith('.'))
      return [
        relative(ROOT, resolve(dirname(file), s))
          .split(sep)
          .join('/'),
      ];
    if (s.startsWith('@app/')) return [s.split('/').slice(0, 2).join('/')];
    return [];
  });
}

const folderOf = (file: string) => relative(SERVICE, file).split(sep)[0].replace(/\.ts$/, '');

function serviceGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(SERVICE)) {
    const from = folderOf(file);
    if (!statSync(join(SERVICE, from), { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const target of importsOf(file)) {
      if (!target.startsWith('apps/payments/src/')) continue;
      const to = target.slice('apps/payments/src/'.length).split('/')[0];
      if (to === from || !statSync(join(SERVICE, to), { throwIfNoEntry: false })?.isDirectory())
        continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
  }
  return graph;
}

function cycleIn(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the import graph', () => {
  it('libraries import no app, and only doku-snap among libraries (the simulator speaks SNAP with it)', () => {
    for (const lib of LIBS) {
      const imported = new Set(sources(join(ROOT, 'libs', lib, 'src')).flatMap(importsOf));
      const outside = [...imported].filter(
        (i) =>
          i.startsWith('apps/') ||
          (i.startsWith('@app/') && !(lib === 'doku-simulator' && i === '@app/doku-snap')) ||
          (i.startsWith('libs/') && !i.startsWith(`libs/${lib}/`)),
      );
      expect({ lib, outside }).toEqual({ lib, outside: [] });
    }
  });

  it('no app imports another; the service loads the simulator only through its library', () => {
    for (const [app, other] of [
      ['payments', 'doku-simulator'],
      ['doku-simulator', 'payments'],
    ]) {
      const imported = sources(join(ROOT, 'apps', app, 'src')).flatMap(importsOf);
      expect(imported.filter((i) => i.startsWith(`apps/${other}/`))).toEqual([]);
    }
    const statics = sources(SERVICE).filter((f) =>
      /\bfrom\s+'@app\/doku-simulator/.test(readFileSync(f, 'utf8')),
    );
    expect(statics).toEqual([]);
  });

  it('the service has no cycle between folders', () => {
    expect(cycleIn(serviceGraph())).toBeUndefined();
  });

  it('the DOKU core and what it stands on import no feature', () => {
    const features = ['payments', 'refunds', 'notifications', 'reconciliation', 'admin', 'health'];
    const graph = serviceGraph();
    for (const core of ['doku', 'channels', 'settlement', 'outbox', 'idempotency', 'queues']) {
      const used = [...(graph.get(core) ?? [])].filter((f) => features.includes(f));
      expect({ core, used }).toEqual({ core, used: [] });
    }
  });
});
