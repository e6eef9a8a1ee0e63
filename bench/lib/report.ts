import { cpus, platform, release, arch, totalmem } from 'node:os';
import { round, roundDeep } from './stats';

export interface ScenarioRow {
  name: string;
  /** Per second for rates; for the token and memory rows, the count and the MiB. */
  throughput: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  errors: number;
  reference: number | null;
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  unit: string;
  details?: Record<string, unknown>;
}

export interface Machine {
  cpus: number;
  model: string;
  memory: string;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model.trim() ?? 'unknown',
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
  };
}

export function roundRow(row: ScenarioRow): ScenarioRow {
  return {
    ...row,
    throughput: round(row.throughput),
    p50: round(row.p50),
    p95: round(row.p95),
    p99: round(row.p99),
    reference: round(row.reference),
    ratio: row.ratio === null ? null : Math.round(row.ratio * 100) / 100,
    ...(row.details ? { details: roundDeep(row.details) as Record<string, unknown> } : {}),
  };
}

const show = (v: number | null | boolean | string) =>
  v === null ? '-' : typeof v === 'boolean' ? (v ? 'yes' : 'NO') : String(v);

export function table(rows: ScenarioRow[]): string {
  const head = [
    'scenario',
    'value',
    'unit',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'errors',
    'reference',
    'ratio',
    'target',
    'met',
  ];
  const body = rows.map((r) => [
    r.name,
    show(r.throughput),
    r.unit,
    show(r.p50),
    show(r.p95),
    show(r.p99),
    show(r.errors),
    show(r.reference),
    r.ratio === null ? '-' : `${r.ratio}`,
    show(r.target),
    show(r.met),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === 2 || i === 9 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
