import type { SnapAmount } from '@app/doku-snap';
import { AMOUNT_VALUE_RE } from '@app/doku-snap';
import { escapeHtml } from './payment-page';
import { typedNumber, type VirtualAccount } from './state';

/**
 * The amount of the transfer from the page's form (`amount=…`): the bill when left empty; another
 * amount is taken as it is, to test what the merchant does with a mismatch.
 */
export function transferAmountOf(
  formBody: string,
  account: VirtualAccount,
): SnapAmount | 'invalid' {
  const value = (new URLSearchParams(formBody).get('amount') ?? '').trim();
  if (value === '') return account.amount;
  const normalized = /^\d+$/.test(value) ? `${value}.00` : value;
  if (!AMOUNT_VALUE_RE.test(normalized) || /^0(\.00)?$/.test(normalized)) return 'invalid';
  return { value: normalized, currency: account.amount.currency };
}

const BANK_OF = (channel: string) =>
  channel.replace(/^VIRTUAL_ACCOUNT_(BANK_)?/, '').replace(/_/g, ' ');

/**
 * A bank's transfer screen for one virtual account (DOKU's how-to-pay page stands in for it):
 * the number to transfer to, the bill, and a form that makes the transfer.
 */
export function renderVaPage(account: VirtualAccount, notice?: string): string {
  const e = escapeHtml;
  const open = account.status === 'OPEN';
  const controls = open
    ? `<form method="post" action="./${e(account.pageId)}">
      <label for="amount">Amount to transfer (empty: the bill)</label>
      <input id="amount" name="amount" inputmode="decimal" placeholder="${e(account.amount.value)}">
      <button id="transfer" type="submit">Transfer</button>
    </form>`
    : `<p id="result">${account.status === 'PAID' ? `Paid ${e(account.paidAmount!.currency)} ${e(account.paidAmount!.value)}.` : `This account is ${e(account.status.toLowerCase())}.`}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${e(BANK_OF(account.channel))} virtual account (simulated) - ${e(account.trxId)}</title>
  <style>
    body { font-family: system-ui, sans-serif; background: #f3f5f7; margin: 0; }
    main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 1.5rem; border-radius: 12px; }
    h1 { color: #0b5394; margin-top: 0; } small { color: #888; font-weight: normal; font-size: .8rem; }
    dt { color: #666; font-size: .85rem; } dd { margin: 0 0 .75rem; font-weight: 600; }
    #number { font-family: ui-monospace, monospace; font-size: 1.3rem; letter-spacing: .05em; }
    input { font-size: 1rem; padding: .5rem; width: 100%; box-sizing: border-box; margin: .3rem 0 .8rem; }
    button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: 8px; border: 0; background: #0b5394; color: #fff; }
    .notice { color: #b00; }
  </style>
</head>
<body>
  <main>
    <h1>${e(BANK_OF(account.channel))} transfer <small>simulated by the DOKU SNAP simulator: no real money moves</small></h1>
    ${notice ? `<p class="notice" id="notice">${e(notice)}</p>` : ''}
    <dl>
      <dt>Virtual account</dt><dd id="number">${e(typedNumber(account.virtualAccountNo))}</dd>
      <dt>Name</dt><dd id="name">${e(account.name)}</dd>
      <dt>Bill</dt><dd id="amount">${e(account.amount.currency)} ${e(account.amount.value)}</dd>
      ${account.expiredDate !== undefined ? `<dt>Pay before</dt><dd id="expires">${e(account.expiredDate)}</dd>` : ''}
      <dt>Status</dt><dd id="status">${e(account.status)}</dd>
    </dl>
    ${controls}
  </main>
</body>
</html>
`;
}
