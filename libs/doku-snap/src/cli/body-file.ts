import { readFileSync } from 'node:fs';
import { minifyJson } from '../signing/json';
import { CliError } from './errors';

export interface BodyFile {
  /** The file as it is (less a byte order mark), for a signer that hashed unminified bytes. */
  raw: string;
  /** What DOKU's rule hashes: whitespace between tokens removed, values untouched. */
  minified: string;
}

export function readBodyFile(path: string): BodyFile {
  let raw: string;
  try {
    // Editors on Windows may prepend a byte order mark; it is not part of any JSON body.
    raw = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    throw new CliError(`--body-file: cannot read ${path}`);
  }
  try {
    return { raw, minified: minifyJson(raw) };
  } catch (err) {
    throw new CliError(`--body-file: not valid JSON (${(err as Error).message})`);
  }
}
