import { randomBytes } from 'node:crypto';
import { loadCredentials, SnapCredentials } from '@app/doku-snap';
import type { AppConfig } from './config/app-config';
import { readSimulatorCredentialsFile } from './config/simulator-credentials-file';
import { servesApi } from './roles';

export interface ResolvedRuntime {
  config: AppConfig;
  credentials: SnapCredentials;
  /** Stops what this function started (the embedded simulator). */
  stop(): Promise<void>;
  /** Said at warn level once the app's (JSON) logger is up: DOKU is a simulator. */
  simulatorNotice?: string;
}

/**
 * Simulator mode accepts a generated internal API key when none is configured, and prints it
 * (not in a worker, which serves no internal API).
 */
function simulatorApiKeys(config: AppConfig): { apiKeys: string[]; note: string } {
  if (config.apiKeys.length > 0 || !servesApi(config.role))
    return { apiKeys: config.apiKeys, note: '' };
  const key = `sim_${randomBytes(24).toString('base64url')}`;
  return {
    apiKeys: [key],
    note: ` Internal API key for this run: ${key} (a new one at every start; to keep it, set API_KEYS=${key})`,
  };
}

/**
 * Three ways to reach DOKU, said loudly in the log when it is not the real one:
 * - real credentials configured: use them;
 * - DOKU_SIMULATOR_CREDENTIALS_FILE: a standalone simulator at DOKU_BASE_URL (docker compose);
 * - nothing: start the DOKU simulator in this process, with generated credentials.
 * Both simulator modes generate an internal API key when none is set.
 */
export async function resolveRuntime(config: AppConfig): Promise<ResolvedRuntime> {
  if (config.doku.credentials) {
    return {
      config,
      credentials: loadCredentials(config.doku.credentials),
      stop: async () => undefined,
    };
  }
  if (config.doku.simulatorCredentialsFile) {
    const raw = await readSimulatorCredentialsFile(config.doku.simulatorCredentialsFile);
    const { apiKeys, note } = simulatorApiKeys(config);
    return {
      config: { ...config, apiKeys },
      credentials: loadCredentials(raw),
      stop: async () => undefined,
      simulatorNotice:
        `SIMULATOR MODE: DOKU is the standalone simulator at ${config.doku.baseUrl} ` +
        `(credentials from ${config.doku.simulatorCredentialsFile}; payments are not real).${note}`,
    };
  }
  // Loaded here only: a deployment with DOKU credentials never loads the simulator's code.
  const { startDokuSimulator } = await import('@app/doku-simulator/index.js');
  const simulator = await startDokuSimulator({
    merchantBaseUrl: `http://127.0.0.1:${config.port}`,
    host: config.simulator.host,
    port: config.simulator.port,
    publicBaseUrl: config.simulator.publicUrl,
    notificationRetryDelaysMs: [5_000, 30_000, 120_000],
  });
  const c = simulator.credentials;
  const { apiKeys, note } = simulatorApiKeys(config);
  return {
    config: { ...config, apiKeys, doku: { ...config.doku, baseUrl: simulator.url } },
    credentials: loadCredentials({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      privateKey: c.merchantPrivateKeyPem,
      dokuPublicKey: c.dokuPublicKeyPem,
    }),
    stop: () => simulator.close(),
    simulatorNotice: `SIMULATOR MODE: no DOKU credentials configured; DOKU is the embedded simulator at ${simulator.url} (payments are not real).${note}`,
  };
}
