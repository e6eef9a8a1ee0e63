import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { loadCredentials, SnapCredentials } from '@app/doku-snap';
import { startDokuSimulator } from '../../doku-simulator/src/index';
import type { AppConfig } from './config/app-config';

export interface ResolvedRuntime {
  config: AppConfig;
  credentials: SnapCredentials;
  /** Stops what this function started (the embedded simulator). */
  stop(): Promise<void>;
}

/**
 * Real DOKU credentials configured: use them. None: start the DOKU simulator in this process,
 * with generated credentials, and a generated API key if none is set, and say so loudly.
 */
export async function resolveRuntime(config: AppConfig): Promise<ResolvedRuntime> {
  if (config.doku.credentials) {
    return {
      config,
      credentials: loadCredentials(config.doku.credentials),
      stop: async () => undefined,
    };
  }
  const simulator = await startDokuSimulator({
    merchantBaseUrl: `http://127.0.0.1:${config.port}`,
    publicBaseUrl: config.simulatorPublicUrl,
    notificationRetryDelaysMs: [5_000, 30_000, 120_000],
  });
  const c = simulator.credentials;
  const apiKeys =
    config.apiKeys.length > 0 ? config.apiKeys : [`sim_${randomBytes(24).toString('base64url')}`];
  const logger = new Logger('Simulator');
  logger.warn(
    `SIMULATOR MODE: no DOKU credentials configured; DOKU is the embedded simulator at ${simulator.url} (payments are not real).` +
      (config.apiKeys.length === 0 ? ` Internal API key for this run: ${apiKeys[0]}` : ''),
  );
  return {
    config: { ...config, apiKeys, doku: { ...config.doku, baseUrl: simulator.url } },
    credentials: loadCredentials({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      privateKey: c.merchantPrivateKeyPem,
      dokuPublicKey: c.dokuPublicKeyPem,
    }),
    stop: () => simulator.close(),
  };
}
