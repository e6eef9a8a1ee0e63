import { bodyHash, hmacSign, symmetricStringToSign } from '../../signing/signatures';
import { parseFlags, requireFlag } from '../args';
import { readBodyFile } from '../body-file';
import { clientSecret } from '../environment';
import { inputWarnings, withWarnings } from '../warnings';
import { Verb } from './verb';

/** The X-SIGNATURE of a transactional call: HMAC-SHA512 over `METHOD:path:token:bodyHash:timestamp`. */
export const sign: Verb = (args, env) => {
  const flags = parseFlags(args, ['method', 'path', 'token', 'timestamp', 'body-file']);
  const method = flags.method ?? 'POST';
  const path = requireFlag(flags, 'path');
  const accessToken = requireFlag(flags, 'token');
  const timestamp = requireFlag(flags, 'timestamp');
  const { minified } = readBodyFile(requireFlag(flags, 'body-file'));
  const hash = bodyHash(minified);
  const stringToSign = symmetricStringToSign({
    method,
    path,
    accessToken,
    bodyHash: hash,
    timestamp,
  });
  const output = {
    minifiedBody: minified,
    bodyHash: hash,
    stringToSign,
    signature: hmacSign(clientSecret(env), stringToSign),
  };
  return {
    exitCode: 0,
    output: withWarnings(output, inputWarnings({ method, path, token: accessToken, timestamp })),
  };
};
