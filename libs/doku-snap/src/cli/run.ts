import { DokuSnapError } from '../errors';
import { Environment } from './environment';
import { CliError } from './errors';
import { USAGE } from './usage';
import { sign } from './verbs/sign';
import { signToken } from './verbs/sign-token';
import { verify } from './verbs/verify';
import { Verb } from './verbs/verb';

export interface CliOutcome {
  /** 0 done, 1 the signature did not verify, 2 the CLI could not do what was asked. */
  exitCode: 0 | 1 | 2;
  output: object;
}

const VERBS: Record<string, Verb> = { 'sign-token': signToken, sign, verify };

export function runCli(argv: readonly string[], env: Environment): CliOutcome {
  const [verb, ...args] = argv;
  if (verb === 'help' || verb === '--help' || verb === '-h') {
    return { exitCode: 0, output: { usage: USAGE } };
  }
  const run = verb === undefined ? undefined : VERBS[verb];
  if (run === undefined) {
    const error = verb === undefined ? 'missing verb' : 'unknown verb';
    return {
      exitCode: 2,
      output: { error: `${error}: use sign-token, sign or verify`, usage: USAGE },
    };
  }
  try {
    return run(args, env);
  } catch (err) {
    // Only this library's own messages are shown: they are written never to carry a secret, while
    // an arbitrary error's message might quote its input.
    if (err instanceof CliError || err instanceof DokuSnapError) {
      return { exitCode: 2, output: { error: err.message } };
    }
    return { exitCode: 2, output: { error: `unexpected ${(err as Error)?.name ?? 'error'}` } };
  }
}
