/**
 * The request body as it goes on the wire: compact JSON, key order kept, `/` and non-ASCII left as
 * they are. Serialized once; the same string is hashed and sent.
 */
export function compactJson(value: unknown): string {
  return JSON.stringify(value);
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * DOKU's minify rule: drop whitespace between JSON tokens, leave every value (strings and number
 * spellings alike) exactly as written. Throws SyntaxError on text that is not JSON.
 * The empty body minifies to the empty string.
 */
export function minifyJson(text: string): string {
  if (text.trim() === '') return '';
  JSON.parse(text);
  let out = '';
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (WHITESPACE.has(c)) {
      out += text.slice(start, i);
      start = i + 1;
    }
  }
  return out + text.slice(start);
}
