import {
  verifyTokenRequestSignature,
  verifyTransactionalSignature,
} from '../../signing/notification';
import {
  asymmetricStringToSign,
  bodyHash,
  hmacSign,
  symmetricStringToSign,
  tokenStringToSign,
} from '../../signing/signatures';
import { Flags, forbidFlags, parseFlags, requireFlag } from '../args';
import { readBodyFile } from '../body-file';
import {
  dokuPublicKey,
  Environment,
  optionalClientSecret,
  optionalDokuPublicKey,
} from '../environment';
import { CliError } from '../errors';
import { inputWarnings, withWarnings } from '../warnings';
import { Verb, VerbResult } from './verb';

/**
 * Checks a signature against every documented form it could be. `--client-id` without a body
 * selects the token form (`clientId|timestamp`, RSA); otherwise the two transactional forms (HMAC
 * with secret and token, RSA with DOKU's public key) are tried. A mismatch prints the parts this
 * side computed, so they can be compared with the other side's log.
 */
export const verify: Verb = (args, env) => {
  const flags = parseFlags(args, [
    'method',
    'path',
    'token',
    'timestamp',
    'body-file',
    'signature',
    'client-id',
  ]);
  if (flags['client-id'] !== undefined && flags['body-file'] === undefined) {
    return verifyTokenForm(flags, env);
  }
  forbidFlags(flags, ['client-id'], 'selects the token form, which has no --body-file');
  return verifyTransactionalForm(flags, env);
};

function verifyTokenForm(flags: Flags, env: Environment): VerbResult {
  forbidFlags(
    flags,
    ['method', 'path', 'token'],
    'not part of the token form (clientId|timestamp)',
  );
  const clientId = requireFlag(flags, 'client-id');
  const timestamp = requireFlag(flags, 'timestamp');
  const signature = requireFlag(flags, 'signature');
  const warnings = inputWarnings({ timestamp, signature });
  if (verifyTokenRequestSignature(clientId, timestamp, signature, dokuPublicKey(env))) {
    return { exitCode: 0, output: withWarnings({ valid: true, form: 'RSA' }, warnings) };
  }
  const output = {
    valid: false,
    tried: ['RSA'],
    signatureLength: signature.length,
    stringToSign: { token: tokenStringToSign(clientId, timestamp) },
  };
  return { exitCode: 1, output: withWarnings(output, warnings) };
}

function verifyTransactionalForm(flags: Flags, env: Environment): VerbResult {
  const method = flags.method ?? 'POST';
  const path = requireFlag(flags, 'path');
  const timestamp = requireFlag(flags, 'timestamp');
  const signature = requireFlag(flags, 'signature');
  const accessToken = flags.token;
  const body = readBodyFile(requireFlag(flags, 'body-file'));
  const secret = optionalClientSecret(env);
  const publicKey = optionalDokuPublicKey(env);

  const notTried: Record<string, string> = {};
  if (secret === undefined) notTried.HMAC = 'DOKU_CLIENT_SECRET is not set';
  else if (accessToken === undefined) notTried.HMAC = 'no --token given';
  if (publicKey === undefined) notTried.RSA = 'DOKU_PUBLIC_KEY is not set';
  const tried = ['HMAC', 'RSA'].filter((form) => !(form in notTried));
  if (tried.length === 0) {
    throw new CliError(`nothing to verify with: ${Object.values(notTried).join('; ')}`);
  }

  const warnings = inputWarnings({ method, path, token: accessToken, timestamp, signature });
  const result = verifyTransactionalSignature(
    { method, path, timestamp, rawBody: body.raw, signature, accessToken },
    { clientSecret: secret, dokuPublicKey: publicKey },
  );
  if (result.valid) {
    const minifiedOnly = result.body === 'minified';
    if (minifiedOnly)
      warnings.push(
        'only the minified form of the file matched, not the file as given: the body sent must be exactly the minified bytes (bodyFile: minified), or a receiver hashing what it received will refuse it',
      );
    return {
      exitCode: 0,
      output: withWarnings(
        { valid: true, form: result.form, bodyFile: minifiedOnly ? 'minified' : 'as-given' },
        warnings,
      ),
    };
  }

  const hash = bodyHash(body.minified);
  const parts = { method, path, bodyHash: hash, timestamp };
  const hmacStringToSign =
    accessToken === undefined ? undefined : symmetricStringToSign({ ...parts, accessToken });
  const output = {
    valid: false,
    tried,
    ...(Object.keys(notTried).length > 0 ? { notTried } : {}),
    signatureLength: signature.length,
    minifiedBody: body.minified,
    bodyHash: hash,
    ...(body.raw !== body.minified ? { rawBodyHash: bodyHash(body.raw) } : {}),
    stringToSign: { hmac: hmacStringToSign, rsa: asymmetricStringToSign(parts) },
    // Set beside the signer's own log: if its signature differs from this one while the string to
    // sign agrees, the two sides hold different secrets.
    ...(secret !== undefined && hmacStringToSign !== undefined
      ? { expectedSignature: { hmac: hmacSign(secret, hmacStringToSign) } }
      : {}),
  };
  return { exitCode: 1, output: withWarnings(output, warnings) };
}
