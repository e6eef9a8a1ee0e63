import type { ServerResponse } from 'node:http';
import type { Payment } from './state';
import type { CompletionStatus } from './types';
import { STATUS_DESC } from './views';

const ACTIONS: Record<string, CompletionStatus> = { pay: '00', fail: '06', cancel: '05' };

const RESULT_TEXT: Record<string, string> = {
  '00': 'Payment successful.',
  '05': 'Payment cancelled.',
  '06': 'Payment failed.',
};

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Everything shown comes from the merchant's request: escape it all, attributes included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The button pressed, from the form post (`action=pay|fail|cancel`). */
export function actionOf(formBody: string): CompletionStatus | undefined {
  const action = new URLSearchParams(formBody).get('action');
  return action !== null && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
}

/**
 * A DANA cashier stand-in. Plain HTML forms, no script: works in any browser and in curl, and the
 * page is allowed to load nothing from anywhere (see the CSP header).
 */
export function renderPaymentPage(payment: Payment, notice?: string): string {
  const e = escapeHtml;
  const pending = payment.status === '03';
  const controls = pending
    ? `<form method="post" action="./${e(payment.pageId)}">
      <button id="pay" name="action" value="pay" type="submit">Pay</button>
      <button id="fail" name="action" value="fail" type="submit">Fail</button>
      <button id="cancel" name="action" value="cancel" type="submit">Cancel</button>
    </form>`
    : `<p id="result">${e(RESULT_TEXT[payment.status])}</p>
    <p><a id="return" href="${e(payment.returnUrl)}">Back to the merchant</a></p>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>DANA (simulated) - ${e(payment.partnerReferenceNo)}</title>
  <style>
    body { font-family: system-ui, sans-serif; background: #eef4fb; margin: 0; }
    main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 1.5rem; border-radius: 12px; }
    h1 { color: #108ee9; margin-top: 0; } small { color: #888; font-weight: normal; font-size: .8rem; }
    dt { color: #666; font-size: .85rem; } dd { margin: 0 0 .75rem; font-weight: 600; }
    button { font-size: 1rem; padding: .6rem 1.2rem; margin-right: .5rem; border-radius: 8px; border: 1px solid #108ee9; }
    #pay { background: #108ee9; color: #fff; }
    .notice { color: #b00; }
  </style>
</head>
<body>
  <main>
    <h1>DANA <small>simulated by the DOKU SNAP simulator: no real money moves</small></h1>
    ${notice ? `<p class="notice" id="notice">${e(notice)}</p>` : ''}
    <dl>
      <dt>Order</dt><dd id="order">${e(payment.partnerReferenceNo)}</dd>
      ${payment.orderTitle !== undefined ? `<dt>Title</dt><dd id="title">${e(payment.orderTitle)}</dd>` : ''}
      <dt>Amount</dt><dd id="amount">${e(payment.amount.currency)} ${e(payment.amount.value)}</dd>
      <dt>Status</dt><dd id="status">${e(STATUS_DESC[payment.status])}</dd>
    </dl>
    ${controls}
  </main>
</body>
</html>
`;
}

/** `formTargets`: origins a form post may be redirected to (browsers hold redirects to form-action). */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  formTargets: string[] = [],
): void {
  const formAction = ["'self'", ...formTargets].join(' ');
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}`,
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(html);
}

export function notFoundPage(): string {
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><p>No such payment.</p></body></html>\n';
}
