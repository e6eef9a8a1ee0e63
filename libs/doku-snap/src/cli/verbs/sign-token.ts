import { rsaSign, tokenStringToSign } from '../../signing/signatures';
import { parseFlags, requireFlag } from '../args';
import { clientId, merchantPrivateKey } from '../environment';
import { inputWarnings, withWarnings } from '../warnings';
import { Verb } from './verb';

/** The X-SIGNATURE of a B2B token request: SHA256withRSA over `clientId|timestamp`. */
export const signToken: Verb = (args, env) => {
  const flags = parseFlags(args, ['client-id', 'timestamp']);
  const timestamp = requireFlag(flags, 'timestamp');
  const stringToSign = tokenStringToSign(clientId(flags['client-id'], env), timestamp);
  const signature = rsaSign(merchantPrivateKey(env), stringToSign);
  return {
    exitCode: 0,
    output: withWarnings({ stringToSign, signature }, inputWarnings({ timestamp })),
  };
};
