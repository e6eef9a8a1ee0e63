import type { Binding } from './state';
import { escapeHtml } from './payment-page';

const RESULT_TEXT: Record<string, string> = {
  ACTIVE: 'The account is linked.',
  REFUSED: 'Linking was refused.',
  UNBOUND: 'The account was unlinked.',
};

/** The button pressed on the binding page: `confirm` (OTP and PIN given) or `refuse`. */
export function bindingActionOf(formBody: string): boolean | undefined {
  const action = new URLSearchParams(formBody).get('action');
  return action === 'confirm' ? true : action === 'refuse' ? false : undefined;
}

/**
 * The wallet's page where the customer links their account (OTP and PIN stand-in). Plain forms, no
 * script; the phone number is masked as wallets show it.
 */
export function renderBindingPage(binding: Binding, notice?: string): string {
  const e = escapeHtml;
  const pending = binding.status === 'PENDING' && binding.authCode === undefined;
  const controls = pending
    ? `<form method="post" action="./${e(binding.pageId)}">
      <button id="confirm" name="action" value="confirm" type="submit">Link account</button>
      <button id="refuse" name="action" value="refuse" type="submit">Refuse</button>
    </form>`
    : `<p id="result">${e(RESULT_TEXT[binding.status] ?? 'Linking confirmed.')}</p>`;
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Link your wallet (simulated)</title>
  <style>
    body { font-family: system-ui, sans-serif; background: #f3effa; margin: 0; }
    main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 1.5rem; border-radius: 12px; }
    h1 { color: #4c2a86; margin-top: 0; } small { color: #888; font-weight: normal; font-size: .8rem; }
    button { font-size: 1rem; padding: .6rem 1.2rem; margin-right: .5rem; border-radius: 8px; border: 1px solid #4c2a86; }
    #confirm { background: #4c2a86; color: #fff; } .notice { color: #b00; }
  </style>
</head>
<body>
  <main>
    <h1>${e(binding.channel)} <small>simulated by the DOKU SNAP simulator: no real account</small></h1>
    ${notice ? `<p class="notice" id="notice">${e(notice)}</p>` : ''}
    <p>Link the account <strong id="phone">${e(maskPhone(binding.phoneNo))}</strong> to this merchant?</p>
    ${controls}
  </main>
</body>
</html>
`;
}

function maskPhone(phone: string): string {
  return phone.slice(0, 4) + '*'.repeat(Math.max(0, phone.length - 8)) + phone.slice(-4);
}
