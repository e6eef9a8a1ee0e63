import type { AddressInfo } from 'node:net';
import { Control } from './control';
import { FaultQueue } from './faults';
import { resolveKeys } from './keys';
import { Notifier } from './notifier';
import { BindingOperations } from './bindings';
import { SnapOperations } from './operations';
import { VirtualAccountOperations } from './va-operations';
import { QrisOperations } from './qris-operations';
import { Recorder } from './recorder';
import { createSimulatorServer } from './server';
import { applySettings, defaultSettings } from './settings';
import { SimulatorState } from './state';
import type { RunningSimulator, SimulatorOptions } from './types';

/** A URL a client can connect to, even when listening on every interface. */
function reachableUrl(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/** Starts a simulated DOKU on its own port and wires its parts together. */
export async function startDokuSimulator(
  options: SimulatorOptions = {},
): Promise<RunningSimulator> {
  const now = options.now ?? Date.now;
  const keys = resolveKeys(options.credentials);
  // The real public base URL is known once listening; a placeholder keeps the object's shape.
  const settings = defaultSettings('http://127.0.0.1');
  const { credentials: _credentials, host: _host, port: _port, now: _now, ...initial } = options;
  applySettings(settings, initial);

  const state = new SimulatorState();
  const recorder = new Recorder();
  const faults = new FaultQueue();
  const bindings = new BindingOperations({ state, recorder, settings, now });
  const virtualAccounts = new VirtualAccountOperations({ state, recorder, settings, now });
  const deps = { state, recorder, keys, settings, bindings, virtualAccounts, now };
  const operations = new SnapOperations(deps);
  Object.assign(deps, { qris: new QrisOperations({ state, recorder, settings, now }, operations) });
  const notifier = new Notifier({ keys, settings, recorder, faults, state, now });
  const control = new Control({
    settings,
    virtualAccounts,
    keys,
    state,
    recorder,
    faults,
    operations,
    bindings,
    notifier,
  });
  const { server, releaseHeld } = createSimulatorServer({
    operations,
    bindings,
    faults,
    recorder,
    settings,
    state,
    control,
    now,
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = reachableUrl(host, (server.address() as AddressInfo).port);
  if (options.publicBaseUrl === undefined) settings.publicBaseUrl = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    credentials: control.credentials(),
    control,
    close() {
      closing ??= (async () => {
        releaseHeld();
        await notifier.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
