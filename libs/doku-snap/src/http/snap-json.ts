/**
 * DOKU references are long digit strings; a server that renders one as a JSON number would have
 * it rounded by JSON.parse (the archived sample shows `2.02310111112128e+34`). Quote such numbers
 * before parsing so they stay exact strings.
 */
const REFERENCE_NUMBER_RE =
  /(?<!\\)("(?:referenceNo|originalReferenceNo|refundNo|approvalCode)"\s*:\s*)(-?\d[\d.eE+-]*)/g;

/**
 * `\u0000` in a string, not preceded by an escaped backslash. A NUL means nothing in a SNAP field,
 * and PostgreSQL refuses it in text: an answer carrying one (in its message, say) would make
 * storing that answer fail, again on every retry. Dropped.
 */
const ESCAPED_NUL_RE = /(?<!\\)((?:\\\\)*)\\u0000/g;

export function parseSnapJson(text: string): unknown {
  const quoted = text.replace(REFERENCE_NUMBER_RE, '$1"$2"');
  return JSON.parse(quoted.includes('\\u0000') ? quoted.replace(ESCAPED_NUL_RE, '$1') : quoted);
}
