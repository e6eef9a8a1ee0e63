import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

/** User and system CPU time, in ms, from a /proc stat file (Linux); NaN when it is gone. */
function statCpuMs(path: string): { userMs: number; systemMs: number } {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the command name (which may contain spaces) in parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      userMs: (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND,
      systemMs: (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND,
    };
  } catch {
    return { userMs: Number.NaN, systemMs: Number.NaN };
  }
}

/** CPU time (user + system) a process has used, in ms, all its threads. */
export function processCpuMs(pid: number): number {
  const { userMs, systemMs } = statCpuMs(`/proc/${pid}/stat`);
  return userMs + systemMs;
}

export interface ThreadSplit {
  /** The JavaScript thread: user and kernel time. */
  mainUserMs: number;
  mainSystemMs: number;
  /** Every other thread: V8's garbage collector and compiler helpers, libuv's pool. */
  otherThreadsMs: number;
}

/**
 * Where a Node process's CPU went between start and stop: its main thread (the event loop,
 * which is what saturates) apart from its helper threads, and kernel time apart from user time.
 */
export function threadSplitMeter(pid: number): () => ThreadSplit {
  const read = () => ({
    all: processCpuMs(pid),
    main: statCpuMs(`/proc/${pid}/task/${pid}/stat`),
  });
  const start = read();
  return () => {
    const end = read();
    const mainUserMs = end.main.userMs - start.main.userMs;
    const mainSystemMs = end.main.systemMs - start.main.systemMs;
    return {
      mainUserMs,
      mainSystemMs,
      otherThreadsMs: end.all - start.all - mainUserMs - mainSystemMs,
    };
  };
}

/** CPU time of this process, in ms. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU used by this process and another between start and stop, in ms. */
export function cpuMeter(otherPid: number): () => { ownMs: number; otherMs: number } {
  const own0 = ownCpuMs();
  const other0 = processCpuMs(otherPid);
  return () => ({ ownMs: ownCpuMs() - own0, otherMs: processCpuMs(otherPid) - other0 });
}

/** The split as cores used over `elapsedMs`, for the JSON details and the progress log. */
export function threadSplitCores(split: ThreadSplit, elapsedMs: number) {
  const cores = (ms: number) => Math.round((ms / Math.max(1, elapsedMs)) * 100) / 100;
  const main = split.mainUserMs + split.mainSystemMs;
  return {
    mainThreadCores: cores(main),
    mainThreadKernelShare: Math.round((split.mainSystemMs / Math.max(1, main)) * 100) / 100,
    helperThreadsCores: cores(split.otherThreadsMs),
  };
}

export function describeThreadSplit(c: ReturnType<typeof threadSplitCores>): string {
  return (
    `main thread ${c.mainThreadCores} cores (${Math.round(c.mainThreadKernelShare * 100)}% in the ` +
    `kernel), helper threads ${c.helperThreadsCores} cores`
  );
}

/**
 * The whole machine between start and stop, in cores: busy (user + system + interrupts), idle,
 * and stolen by the hypervisor (a shared VM's other tenants), from /proc/stat.
 */
export function machineCpuMeter(): () => {
  busyCores: number;
  idleCores: number;
  stolenCores: number;
} {
  const read = () => {
    const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = v.map(Number);
    return {
      busy: user + nice + system + irq + softirq,
      idle: idle + iowait,
      steal,
      at: Date.now(),
    };
  };
  const start = read();
  return () => {
    const end = read();
    const seconds = Math.max(0.001, (end.at - start.at) / 1000);
    const cores = (ticks: number) =>
      Math.round((ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100) / 100;
    return {
      busyCores: cores(end.busy - start.busy),
      idleCores: cores(end.idle - start.idle),
      stolenCores: cores(end.steal - start.steal),
    };
  };
}

export function describeMachine(m: ReturnType<ReturnType<typeof machineCpuMeter>>): string {
  return `${m.busyCores} cores busy, ${m.idleCores} idle, ${m.stolenCores} stolen`;
}

/** What the service and the machine used between start and stop of a measured window. */
export interface ServiceCpuWindow {
  elapsedMs: number;
  /** All the service's threads, in ms. */
  serviceCpuMs: number;
  serviceCoresUsed: number;
  threads: ReturnType<typeof threadSplitCores>;
  machine: ReturnType<ReturnType<typeof machineCpuMeter>>;
}

/**
 * The service's CPU (all threads, and main thread against helper threads) and the machine's,
 * over one window: cores are worked out over the window itself, not over whatever the scenario
 * does after it.
 */
export function serviceCpuMeter(pid: number): () => ServiceCpuWindow {
  const started = Date.now();
  const cpu0 = processCpuMs(pid);
  const stopThreadSplit = threadSplitMeter(pid);
  const stopMachine = machineCpuMeter();
  return () => {
    const elapsedMs = Math.max(1, Date.now() - started);
    const serviceCpuMs = processCpuMs(pid) - cpu0;
    return {
      elapsedMs,
      serviceCpuMs,
      serviceCoresUsed: Math.round((serviceCpuMs / elapsedMs) * 100) / 100,
      threads: threadSplitCores(stopThreadSplit(), elapsedMs),
      machine: stopMachine(),
    };
  };
}

export function describeServiceCpu(w: ServiceCpuWindow): string {
  return `service ${describeThreadSplit(w.threads)}; machine ${describeMachine(w.machine)}`;
}
