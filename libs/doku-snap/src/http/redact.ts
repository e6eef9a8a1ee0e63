const SECRET_HEADERS = new Set(['authorization', 'x-signature', 'authorization-customer']);

/** Header values safe to log: credentials and signatures masked. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '[REDACTED]' : value;
  }
  return out;
}
