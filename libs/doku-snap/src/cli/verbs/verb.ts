import { Environment } from '../environment';

/** What a verb prints (one JSON object) and how the process ends: 0 done, 1 signature mismatch. */
export interface VerbResult {
  exitCode: 0 | 1;
  output: object;
}

export type Verb = (args: readonly string[], env: Environment) => VerbResult;
