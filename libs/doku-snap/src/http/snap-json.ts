/**
 * DOKU references are long digit strings; a server that renders one as a JSON number would have
 * it rounded by JSON.parse (the archived sample shows `2.02310111112128e+34`). Quote such numbers
 * before parsing so they stay exact strings.
 */
const REFERENCE_NUMBER_RE =
  /(?<!\\)("(?:referenceNo|originalReferenceNo|refundNo|approvalCode)"\s*:\s*)(-?\d[\d.eE+-]*)/g;

export function parseSnapJson(text: string): unknown {
  return JSON.parse(text.replace(REFERENCE_NUMBER_RE, '$1"$2"'));
}
