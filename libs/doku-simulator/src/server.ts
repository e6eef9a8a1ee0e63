import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  ACCOUNT_BINDING_PATH,
  ACCOUNT_UNBINDING_PATH,
  B2B2C_TOKEN_PATH,
  B2B_TOKEN_PATH,
  BALANCE_INQUIRY_PATH,
  DEBIT_PAYMENT_PATH,
  DEBIT_REFUND_PATH,
  DEBIT_STATUS_PATH,
  CREATE_VA_PATH,
  DELETE_VA_PATH,
  UPDATE_VA_PATH,
  VA_STATUS_PATH,
  QRIS_CANCEL_PATH,
  QRIS_GENERATE_PATH,
  QRIS_QUERY_PATH,
  QRIS_REFUND_PATH,
} from '@app/doku-snap';
import { renderVaPage, transferAmountOf } from './va-page';
import { renderQrPage } from './qr-page';
import type { BindingOperations } from './bindings';
import { bindingActionOf, renderBindingPage } from './binding-page';
import { SimulatorError } from './errors';
import { CONTROL_PREFIX, handleControl } from './control-http';
import { faultedAnswer, type FaultQueue, type ScheduledAnswer } from './faults';
import { BodyTooLargeError, readBody, sendJson } from './http-io';
import type { OperationAnswer, SnapOperations } from './operations';
import { actionOf, notFoundPage, renderPaymentPage, sendHtml } from './payment-page';
import type { Recorder } from './recorder';
import { reject, SERVICE_OF } from './snap-answer';
import type { Payment, SimulatorState } from './state';
import type { LogEntry, SimOperation, SimulatorControl, SimulatorSettings } from './types';

export interface ServerDeps {
  operations: SnapOperations;
  bindings: BindingOperations;
  faults: FaultQueue;
  recorder: Recorder;
  settings: SimulatorSettings;
  state: SimulatorState;
  control: SimulatorControl;
  now: () => number;
}

// The paths of the library's operations, which the channel registry's specs use: a path moved
// there is moved here too.
const ROUTES = new Map<string, SimOperation>([
  [B2B_TOKEN_PATH, 'b2b_token'],
  [B2B2C_TOKEN_PATH, 'b2b2c_token'],
  [DEBIT_PAYMENT_PATH, 'payment'],
  [DEBIT_STATUS_PATH, 'check_status'],
  [DEBIT_REFUND_PATH, 'refund'],
  [ACCOUNT_BINDING_PATH, 'account_binding'],
  [ACCOUNT_UNBINDING_PATH, 'account_unbinding'],
  [BALANCE_INQUIRY_PATH, 'balance_inquiry'],
  [CREATE_VA_PATH, 'create_va'],
  [UPDATE_VA_PATH, 'update_va'],
  [DELETE_VA_PATH, 'delete_va'],
  [VA_STATUS_PATH, 'va_status'],
  [QRIS_GENERATE_PATH, 'qris_generate'],
  [QRIS_QUERY_PATH, 'qris_query'],
  [QRIS_CANCEL_PATH, 'qris_cancel'],
  [QRIS_REFUND_PATH, 'qris_refund'],
]);

/** SNAP's methods other than POST (DOKU's SDKs sign them so): update PUT, delete DELETE with a body. */
const METHOD_OF: Partial<Record<SimOperation, 'PUT' | 'DELETE'>> = {
  update_va: 'PUT',
  delete_va: 'DELETE',
};

const HIDDEN_HEADERS = new Set(['authorization', 'authorization-customer', 'x-signature']);
const LOGGED_BODY_CHARS = 4_096;
const PAGE_RE = /^\/pay\/([0-9a-f]{24})$/;
const BINDING_PAGE_RE = /^\/bind\/([0-9a-f]{24})$/;
const VA_PAGE_RE = /^\/va\/([0-9a-f]{24})$/;

export interface SimulatorServer {
  server: Server;
  /** Drops answers still held back by latency or a timeout fault. */
  releaseHeld(): void;
}

export function createSimulatorServer(deps: ServerDeps): SimulatorServer {
  const held = new Map<NodeJS.Timeout, ServerResponse>();

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('doku-simulator: unexpected error', err);
      sendJson(
        res,
        500,
        JSON.stringify({ responseCode: '5000000', responseMessage: 'General Error' }),
      );
    });
  });
  // Benchmarks keep connections open between bursts.
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const path = q < 0 ? target : target.slice(0, q);
    const operation = ROUTES.get(path);
    if (operation) return snap(operation, req, res, target);
    if (path.startsWith(`${CONTROL_PREFIX}/`)) {
      const raw = await readBody(req);
      return handleControl(
        deps.control,
        req,
        res,
        path,
        new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
        raw,
      );
    }
    if (path.startsWith('/pay/')) return paymentPage(req, res, path);
    if (path.startsWith('/bind/')) return bindingPage(req, res, path);
    if (path.startsWith('/va/')) return virtualAccountPage(req, res, path);
    if (path === '/' || path === '/health') {
      return sendJson(res, 200, JSON.stringify({ service: 'doku-simulator', ok: true }));
    }
    sendJson(res, 404, JSON.stringify({ responseCode: '4040000', responseMessage: 'Not Found' }));
  }

  async function snap(
    operation: SimOperation,
    req: IncomingMessage,
    res: ServerResponse,
    target: string,
  ) {
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        const a = reject.badRequest('Body too large').toAnswer(operation);
        return sendJson(res, a.status, a.body);
      }
      throw err;
    }
    const method = METHOD_OF[operation] ?? 'POST';
    if (req.method !== method) {
      const code = `405${SERVICE_OF[operation]}00`;
      return sendJson(
        res,
        405,
        JSON.stringify({ responseCode: code, responseMessage: 'Method Not Allowed' }),
      );
    }
    deps.recorder.request(operation);
    const fault = deps.faults.take(operation);
    const incoming = { method, target, headers: req.headers, raw };

    let processed: OperationAnswer | undefined;
    let scheduled: ScheduledAnswer;
    if (fault && fault.when === 'before' && fault.kind === 'delay') {
      // The request reaches DOKU late, then is handled normally.
      await sleep(fault.delayMs ?? 0);
      processed = deps.operations.run(operation, incoming);
      scheduled = { answer: processed, holdMs: 0 };
    } else if (fault && fault.when === 'before') {
      scheduled = faultedAnswer(fault, operation, undefined);
    } else {
      processed = deps.operations.run(operation, incoming);
      scheduled = fault
        ? faultedAnswer(fault, operation, processed)
        : { answer: processed, holdMs: 0 };
    }

    const timedOut = fault?.kind === 'timeout';
    const replay = processed?.replay === true && scheduled.answer === processed;
    const countedAs = timedOut
      ? 'timeout'
      : replay
        ? `replay:${processed?.responseCode}`
        : scheduled.answer.responseCode;
    deps.recorder.response(operation, countedAs);
    deps.recorder.log(
      logEntry(operation, req, raw, scheduled, processed, fault?.kind, timedOut, replay),
    );

    const holdMs = scheduled.holdMs + deps.settings.latencyMs;
    const send = () =>
      sendJson(res, scheduled.answer.status, scheduled.answer.body, scheduled.answer.headers);
    if (holdMs <= 0) return send();
    const timer = setTimeout(() => {
      held.delete(timer);
      send();
    }, holdMs);
    held.set(timer, res);
    // A client that gives up ends the hold: nothing is left waiting for it.
    res.on('close', () => {
      clearTimeout(timer);
      held.delete(timer);
    });
  }

  function logEntry(
    operation: SimOperation,
    req: IncomingMessage,
    raw: Buffer,
    scheduled: ScheduledAnswer,
    processed: OperationAnswer | undefined,
    fault: LogEntry['fault'],
    timedOut: boolean,
    replay: boolean,
  ): LogEntry {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HIDDEN_HEADERS.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return {
      at: new Date(deps.now()).toISOString(),
      operation,
      method: req.method ?? 'POST',
      path: req.url ?? '',
      headers,
      body:
        raw.length > LOGGED_BODY_CHARS
          ? raw.toString('utf8', 0, LOGGED_BODY_CHARS)
          : raw.toString('utf8'),
      httpStatus: scheduled.answer.status,
      responseCode: timedOut ? 'timeout' : scheduled.answer.responseCode,
      ...(fault && processed && processed !== scheduled.answer
        ? { processedResponseCode: processed.responseCode }
        : {}),
      ...(fault ? { fault } : {}),
      ...(replay ? { replay: true } : {}),
    };
  }

  async function paymentPage(req: IncomingMessage, res: ServerResponse, path: string) {
    const match = PAGE_RE.exec(path);
    const payment = match ? deps.state.pages.get(match[1]) : undefined;
    if (!payment) {
      await readBody(req).catch(() => undefined);
      return sendHtml(res, 404, notFoundPage());
    }
    if (payment.qrContent) return qrPage(req, res, payment);
    if (req.method === 'GET' || req.method === 'HEAD')
      return sendHtml(res, 200, renderPaymentPage(payment));
    if (req.method !== 'POST')
      return sendHtml(res, 405, renderPaymentPage(payment, 'Method not allowed'));
    const status = actionOf((await readBody(req)).toString('utf8'));
    if (!status) return sendHtml(res, 400, renderPaymentPage(payment, 'Unknown action'));
    if (payment.status === '03') {
      if (status === '00' && payment.validUpToMs !== undefined && deps.now() > payment.validUpToMs)
        return sendHtml(res, 409, renderPaymentPage(payment, 'This payment has expired.'));
      // The state changes now; the notification goes out in the background, as with DOKU.
      deps.control.completePayment(payment.partnerReferenceNo, status).catch((err: unknown) => {
        console.error('doku-simulator: notification failed', err);
      });
    }
    // Post/redirect/get: a reload shows the result instead of posting again.
    res.writeHead(303, { Location: `./${payment.pageId}`, 'Content-Length': 0 });
    res.end();
  }

  /** A QR payment's page: the QR, and a wallet's Pay; no notification unless one is configured. */
  async function qrPage(req: IncomingMessage, res: ServerResponse, payment: Payment) {
    if (req.method === 'GET' || req.method === 'HEAD')
      return sendHtml(res, 200, await renderQrPage(payment));
    if (req.method !== 'POST')
      return sendHtml(res, 405, await renderQrPage(payment, 'Method not allowed'));
    await readBody(req);
    // Paid before payQr's first await; its notification (if any) goes out in the background.
    deps.control.payQr(payment.partnerReferenceNo).catch((err: unknown) => {
      if (!(err instanceof SimulatorError))
        console.error('doku-simulator: notification failed', err);
    });
    if (payment.status !== '00')
      return sendHtml(res, 409, await renderQrPage(payment, 'This QR can no longer be paid.'));
    res.writeHead(303, { Location: `./${payment.pageId}`, 'Content-Length': 0 });
    res.end();
  }

  async function virtualAccountPage(req: IncomingMessage, res: ServerResponse, path: string) {
    const match = VA_PAGE_RE.exec(path);
    const account = match ? deps.state.virtualAccountPages.get(match[1]) : undefined;
    if (!account) {
      await readBody(req).catch(() => undefined);
      return sendHtml(res, 404, notFoundPage());
    }
    if (req.method === 'GET' || req.method === 'HEAD')
      return sendHtml(res, 200, renderVaPage(account));
    if (req.method !== 'POST')
      return sendHtml(res, 405, renderVaPage(account, 'Method not allowed'));
    const amount = transferAmountOf((await readBody(req)).toString('utf8'), account);
    if (amount === 'invalid')
      return sendHtml(res, 400, renderVaPage(account, 'Enter an amount such as 15000 or 15000.00'));
    // The transfer is booked before payVirtualAccount's first await; the notification goes out
    // in the background, as with DOKU.
    const wasOpen = account.status === 'OPEN';
    const paying = deps.control.payVirtualAccount(account.virtualAccountNo, amount);
    paying.catch((err: unknown) => {
      if (!(err instanceof SimulatorError))
        console.error('doku-simulator: notification failed', err);
    });
    if (!wasOpen || account.status !== 'PAID')
      return sendHtml(
        res,
        409,
        renderVaPage(
          account,
          wasOpen
            ? 'This account has expired: the bank refuses the transfer.'
            : `This account is ${account.status.toLowerCase()}: the bank refuses the transfer.`,
        ),
      );
    res.writeHead(303, { Location: `./${account.pageId}`, 'Content-Length': 0 });
    res.end();
  }

  async function bindingPage(req: IncomingMessage, res: ServerResponse, path: string) {
    const match = BINDING_PAGE_RE.exec(path);
    const binding = match ? deps.state.bindingPages.get(match[1]) : undefined;
    if (!binding) {
      await readBody(req).catch(() => undefined);
      return sendHtml(res, 404, notFoundPage());
    }
    const targets = [new URL(binding.successUrl).origin, new URL(binding.failureUrl).origin];
    if (req.method === 'GET' || req.method === 'HEAD')
      return sendHtml(res, 200, renderBindingPage(binding), targets);
    if (req.method !== 'POST')
      return sendHtml(res, 405, renderBindingPage(binding, 'Method not allowed'), targets);
    const confirm = bindingActionOf((await readBody(req)).toString('utf8'));
    if (confirm === undefined)
      return sendHtml(res, 400, renderBindingPage(binding, 'Unknown action'), targets);
    let location: string;
    try {
      location = deps.control.completeBinding(binding.bindingId, confirm);
    } catch (err) {
      if (!(err instanceof SimulatorError)) throw err;
      return sendHtml(res, 409, renderBindingPage(binding, err.message), targets);
    }
    // Like the wallet: the customer goes on to the merchant's URL (with the authCode on success).
    res.writeHead(303, { Location: location, 'Content-Length': 0 });
    res.end();
  }

  return {
    server,
    releaseHeld() {
      for (const [timer, res] of held) {
        clearTimeout(timer);
        res.destroy();
      }
      held.clear();
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
