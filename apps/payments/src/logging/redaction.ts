/**
 * Field names whose values never reach a log line, wherever they sit (top level, or one or two
 * objects deep: Nest's logger merges logged objects into the line). pino matches names exactly,
 * hence both spellings where both occur.
 */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'x-signature',
  'X-SIGNATURE',
  'signature',
  'cookie',
  'set-cookie',
  'clientSecret',
  'client_secret',
  'secret',
  'privateKey',
  'privateKeyPem',
  'merchantPrivateKeyPem',
  'dokuPrivateKeyPem',
  'merchantPrivateKey',
  'accessToken',
  'access_token',
  'token',
  'password',
  'apiKey',
  'apiKeys',
];

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `["${name}"]`);

/** pino `redact.paths` for every secret field at depth 0, 1 and 2, and the request's headers. */
export const REDACTED_PATHS: string[] = [
  ...SECRET_FIELDS.flatMap((name) => [
    key(name).replace(/^\./, ''),
    `*${key(name)}`,
    `*.*${key(name)}`,
  ]),
  'req.headers["authorization-customer"]',
  'req.headers["x-client-secret"]',
];
