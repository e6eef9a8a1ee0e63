import QRCode from 'qrcode';
import type { Payment } from './state';
import { escapeHtml } from './payment-page';
import { STATUS_DESC } from './views';

/**
 * A QR on the merchant's till as a customer's wallet sees it: the QR itself (rendered by the
 * `qrcode` package from DOKU's EMV string), the amount, and a button standing in for the wallet
 * app that pays it.
 */
export async function renderQrPage(payment: Payment, notice?: string): Promise<string> {
  const e = escapeHtml;
  const svg = await QRCode.toString(payment.qrContent!, { type: 'svg', margin: 2, width: 280 });
  const open = payment.status === '03';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>QRIS (simulated) - ${e(payment.partnerReferenceNo)}</title>
  <style>
    body { font-family: system-ui, sans-serif; background: #f4f4f4; margin: 0; }
    main { max-width: 24rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: 12px; text-align: center; }
    h1 { color: #c8102e; margin-top: 0; } small { color: #888; font-weight: normal; font-size: .8rem; display: block; }
    code { word-break: break-all; font-size: .7rem; color: #555; }
    button { font-size: 1rem; padding: .6rem 1.2rem; border-radius: 8px; border: 0; background: #c8102e; color: #fff; }
    .notice { color: #b00; }
  </style>
</head>
<body>
  <main>
    <h1>QRIS <small>simulated by the DOKU SNAP simulator: no real money moves</small></h1>
    ${notice ? `<p class="notice" id="notice">${e(notice)}</p>` : ''}
    <div id="qr">${svg}</div>
    <p id="amount">${e(payment.amount.currency)} ${e(payment.amount.value)}</p>
    <p id="status">${e(STATUS_DESC[payment.status])}</p>
    ${
      open
        ? `<form method="post" action="./${e(payment.pageId)}"><button id="pay" name="action" value="pay" type="submit">Pay with a wallet app</button></form>`
        : ''
    }
    <p><code id="content">${e(payment.qrContent!)}</code></p>
  </main>
</body>
</html>
`;
}
