import QRCode from 'qrcode';
import { ApiError } from '../common/api-error';
import type { QrInstructions } from '../channels/qris.channel';

/** Pixels of a side: a phone shows 256 well, a till's screen 512 (the default). */
export const QR_SIZES = { minimum: 128, default: 512, maximum: 1024 } as const;

/** The QR a payment shows, or 404 when it has none (not QRIS, or DOKU gave none yet). */
export function qrOf(payment: { instructions: Record<string, unknown> | null }): QrInstructions {
  const qr = payment.instructions?.qr as QrInstructions | undefined;
  if (!qr?.content)
    throw new ApiError(404, 'QR_NOT_AVAILABLE', 'This payment has no QR (only QRIS payments do).');
  return qr;
}

/** The QR as a PNG of `size` pixels a side, quiet zone included (rendered by `qrcode`). */
export function qrPng(content: string, size: number): Promise<Buffer> {
  return QRCode.toBuffer(content, {
    type: 'png',
    width: size,
    margin: 4,
    errorCorrectionLevel: 'M',
  });
}

/** The QR as SVG, which scales to any screen. */
export function qrSvg(content: string): Promise<string> {
  return QRCode.toString(content, { type: 'svg', margin: 4, errorCorrectionLevel: 'M' });
}
