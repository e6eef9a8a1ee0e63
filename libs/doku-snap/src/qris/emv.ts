/**
 * EMVCo merchant-presented QR (QRIS is its Indonesian profile): a string of TLV fields (two-digit
 * tag, two-digit length, value) ending in tag 63, a CRC-16/CCITT-FALSE over everything before its
 * four hex digits. A wallet app refuses a QR whose CRC is wrong, so a QR is checked before it is
 * shown.
 */

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), as EMVCo's QR specification requires. */
export function crc16Ccitt(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** One field: tag (2 digits), length (2 digits), value (at most 99 characters). */
export function emvField(tag: string, value: string): string {
  if (!/^\d{2}$/.test(tag)) throw new RangeError(`EMV tag must be two digits: ${tag}`);
  if (value.length > 99) throw new RangeError(`EMV field ${tag} is longer than 99`);
  return `${tag}${String(value.length).padStart(2, '0')}${value}`;
}

/** The fields, in order, with the CRC (tag 63) appended. */
export function emvWithCrc(fields: string): string {
  const body = `${fields}6304`;
  return body + crc16Ccitt(body);
}

/** The top-level fields of an EMV QR, by tag; undefined when it is not well-formed TLV. */
export function parseEmv(content: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < content.length) {
    const tag = content.slice(at, at + 2);
    const length = Number(content.slice(at + 2, at + 4));
    if (!/^\d{2}$/.test(tag) || !/^\d{2}$/.test(content.slice(at + 2, at + 4))) return undefined;
    const value = content.slice(at + 4, at + 4 + length);
    if (value.length !== length || fields.has(tag)) return undefined;
    fields.set(tag, value);
    at += 4 + length;
  }
  return fields;
}

/**
 * A QR string a wallet will take: well-formed TLV, format indicator "01" first, and tag 63 last
 * with the CRC of everything before its value.
 */
export function validEmvQr(content: string): boolean {
  const fields = parseEmv(content);
  if (!fields || !content.startsWith('000201')) return false;
  const crc = fields.get('63');
  if (crc === undefined || !content.endsWith(`6304${crc}`)) return false;
  return crc16Ccitt(content.slice(0, -4)) === crc;
}
