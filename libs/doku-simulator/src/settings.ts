import { B2B_TOKEN_PATH, DEBIT_NOTIFICATION, VA_NOTIFICATION } from '@app/doku-snap';
import { SimulatorError } from './errors';
import type { SettingsUpdate, SimulatorSettings } from './types';

/** DOKU's documented retry schedule: +30 min, +6 h, +12 h after the first attempt. */
export const DOKU_RETRY_DELAYS_MS = [30 * 60_000, 6 * 3_600_000, 12 * 3_600_000];

export function defaultSettings(publicBaseUrl: string): SimulatorSettings {
  return {
    merchantTokenPath: B2B_TOKEN_PATH,
    merchantNotifyPath: DEBIT_NOTIFICATION.path,
    merchantVaNotifyPath: VA_NOTIFICATION.path,
    notificationForm: 'HMAC',
    notificationRetryDelaysMs: [...DOKU_RETRY_DELAYS_MS],
    tokenTtlSeconds: 900,
    customerTokenTtlSeconds: 900,
    requireDeviceId: true,
    latencyMs: 0,
    publicBaseUrl,
  };
}

function httpUrl(name: string, value: unknown): string {
  try {
    if (typeof value === 'string') {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
    }
  } catch {
    // Reported below.
  }
  throw new SimulatorError(400, `${name} must be an absolute http(s) URL`);
}

function path(name: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new SimulatorError(400, `${name} must be a path starting with /`);
  }
  return value;
}

function nonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SimulatorError(400, `${name} must be a non-negative number`);
  }
  return value;
}

/**
 * Applies an update in place (operations and notifier hold the same object), all or nothing:
 * every field is checked before any is written.
 */
export function applySettings(
  settings: SimulatorSettings,
  update: SettingsUpdate,
): SimulatorSettings {
  if (!update || typeof update !== 'object')
    throw new SimulatorError(400, 'settings must be an object');
  const next: Partial<SimulatorSettings> = {};
  const u = update as Record<string, unknown>;
  if (u.merchantBaseUrl !== undefined)
    next.merchantBaseUrl = httpUrl('merchantBaseUrl', u.merchantBaseUrl);
  if (u.merchantTokenPath !== undefined)
    next.merchantTokenPath = path('merchantTokenPath', u.merchantTokenPath);
  if (u.merchantNotifyPath !== undefined)
    next.merchantNotifyPath = path('merchantNotifyPath', u.merchantNotifyPath);
  if (u.merchantQrisNotifyPath !== undefined)
    next.merchantQrisNotifyPath =
      u.merchantQrisNotifyPath === ''
        ? undefined
        : path('merchantQrisNotifyPath', u.merchantQrisNotifyPath);
  if (u.merchantVaNotifyPath !== undefined)
    next.merchantVaNotifyPath = path('merchantVaNotifyPath', u.merchantVaNotifyPath);
  if (u.notificationForm !== undefined) {
    if (u.notificationForm !== 'HMAC' && u.notificationForm !== 'RSA') {
      throw new SimulatorError(400, 'notificationForm must be HMAC or RSA');
    }
    next.notificationForm = u.notificationForm;
  }
  if (u.notificationRetryDelaysMs !== undefined) {
    if (!Array.isArray(u.notificationRetryDelaysMs)) {
      throw new SimulatorError(400, 'notificationRetryDelaysMs must be an array of milliseconds');
    }
    next.notificationRetryDelaysMs = u.notificationRetryDelaysMs.map((d) =>
      nonNegative('notificationRetryDelaysMs[]', d),
    );
  }
  if (u.tokenTtlSeconds !== undefined) {
    if (!Number.isInteger(u.tokenTtlSeconds) || (u.tokenTtlSeconds as number) < 1) {
      throw new SimulatorError(400, 'tokenTtlSeconds must be a positive integer');
    }
    next.tokenTtlSeconds = u.tokenTtlSeconds as number;
  }
  if (u.customerTokenTtlSeconds !== undefined) {
    if (!Number.isInteger(u.customerTokenTtlSeconds) || (u.customerTokenTtlSeconds as number) < 1) {
      throw new SimulatorError(400, 'customerTokenTtlSeconds must be a positive integer');
    }
    next.customerTokenTtlSeconds = u.customerTokenTtlSeconds as number;
  }
  if (u.requireDeviceId !== undefined) {
    if (typeof u.requireDeviceId !== 'boolean')
      throw new SimulatorError(400, 'requireDeviceId must be a boolean');
    next.requireDeviceId = u.requireDeviceId;
  }
  if (u.latencyMs !== undefined) next.latencyMs = nonNegative('latencyMs', u.latencyMs);
  if (u.publicBaseUrl !== undefined) next.publicBaseUrl = httpUrl('publicBaseUrl', u.publicBaseUrl);
  Object.assign(settings, next);
  return { ...settings, notificationRetryDelaysMs: [...settings.notificationRetryDelaysMs] };
}
