import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimulatorError } from './errors';
import { sendJson } from './http-io';
import type { SnapAmount } from '@app/doku-snap';
import type { CompletionStatus, Fault, SettingsUpdate, SimulatorControl } from './types';

export const CONTROL_PREFIX = '/__control';

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SimulatorError(400, 'body is not JSON');
  }
}

function field(body: unknown, name: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

/**
 * The control API over HTTP, for runs where the simulator is another process (docker compose,
 * `npm run start:simulator`). Unauthenticated and it prints keys: for local use only.
 */
export async function handleControl(
  control: SimulatorControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
  raw: Buffer,
): Promise<void> {
  const route = `${req.method} ${path.slice(CONTROL_PREFIX.length)}`;
  const ok = (value: unknown, status = 200) => sendJson(res, status, JSON.stringify(value ?? null));
  try {
    const payment = /^(GET|POST) \/payments\/([^/]+)(\/complete|\/notify)?$/.exec(route);
    if (payment) {
      const ref = decodeURIComponent(payment[2]);
      if (payment[1] === 'GET' && !payment[3]) {
        const view = control.payment(ref);
        return view ? ok(view) : ok({ error: `no payment ${ref}` }, 404);
      }
      if (payment[1] === 'POST' && payment[3] === '/complete') {
        const body = parseJson(raw);
        const status = field(body, 'status') as CompletionStatus;
        const paidAmount = field(body, 'paidAmount') as SnapAmount | undefined;
        return ok(await control.completePayment(ref, status, paidAmount));
      }
      if (payment[1] === 'POST' && payment[3] === '/notify') {
        return ok(await control.resendNotification(ref));
      }
    }
    const account = /^(GET|POST) \/virtual-accounts\/([^/]+)(\/pay)?$/.exec(route);
    if (account) {
      const number = decodeURIComponent(account[2]);
      if (account[1] === 'GET' && !account[3]) {
        const view = control.virtualAccount(number);
        return view ? ok(view) : ok({ error: `no virtual account ${number}` }, 404);
      }
      if (account[1] === 'POST' && account[3]) {
        const amount = field(parseJson(raw), 'amount') as SnapAmount | undefined;
        return ok(await control.payVirtualAccount(number, amount));
      }
    }
    const qr = /^POST \/qr-payments\/([^/]+)\/pay$/.exec(route);
    if (qr) return ok(await control.payQr(decodeURIComponent(qr[1])));
    const binding = /^POST \/bindings\/([^/]+)\/(complete|unlink)$/.exec(route);
    if (binding) {
      const id = decodeURIComponent(binding[1]);
      if (binding[2] === 'unlink') {
        control.unlinkBinding(id);
        return ok({ unlinked: id });
      }
      const confirm = field(parseJson(raw), 'confirm');
      if (typeof confirm !== 'boolean') throw new SimulatorError(400, 'confirm must be a boolean');
      return ok({ location: control.completeBinding(id, confirm) });
    }
    switch (route) {
      case 'GET /virtual-accounts':
        return ok(control.virtualAccounts());
      case 'GET /bindings':
        return ok(control.bindings());
      case 'GET /settings':
        return ok(control.settings());
      case 'POST /config':
      case 'POST /settings':
        return ok(control.configure(parseJson(raw) as SettingsUpdate));
      case 'GET /faults':
        return ok(control.faults());
      case 'POST /faults':
        return ok(control.inject(parseJson(raw) as Fault));
      case 'DELETE /faults':
        control.clearFaults();
        return ok(control.faults());
      case 'POST /reset':
        control.reset();
        return ok({ reset: true });
      case 'GET /payments':
        return ok(control.payments());
      case 'GET /counters':
        return ok(control.counters());
      case 'GET /log': {
        const limit = query.get('limit');
        return ok(control.log(limit !== null && /^\d+$/.test(limit) ? Number(limit) : undefined));
      }
      case 'GET /deliveries':
        return ok(control.deliveries());
      case 'GET /credentials':
        return ok(control.credentials());
      default:
        return ok({ error: `no control route ${route}` }, 404);
    }
  } catch (err) {
    if (err instanceof SimulatorError) return ok({ error: err.message }, err.httpStatus);
    throw err;
  }
}
