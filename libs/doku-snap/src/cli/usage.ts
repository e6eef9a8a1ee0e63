/** Shown with `help` and with usage errors: enough to get a verb right without the README. */
export const USAGE = [
  'snap sign-token --client-id ID --timestamp TS',
  'snap sign --method POST --path PATH --token TOKEN --timestamp TS --body-file FILE',
  'snap verify [--method POST] --path PATH [--token TOKEN] --timestamp TS --body-file FILE --signature SIG',
  'snap verify --client-id ID --timestamp TS --signature SIG   (token form, clientId|timestamp)',
  'environment: DOKU_CLIENT_ID, DOKU_CLIENT_SECRET, DOKU_PRIVATE_KEY[_FILE], DOKU_PUBLIC_KEY[_FILE]',
];
