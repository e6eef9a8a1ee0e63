import { snapPaths } from '../channels/registry';
import { parseSnapTimestamp } from '../clock';

export interface SignedInputs {
  method?: string;
  path?: string;
  token?: string;
  timestamp?: string;
  signature?: string;
}

const KNOWN = snapPaths();
const KNOWN_PATHS = new Set(KNOWN.keys());
const CHANNEL_NAMES = [...new Set([...KNOWN.values()].flat().map((w) => w.split(' ')[0]))].join(
  ', ',
);

/**
 * The usual reasons a signature does not match, spotted in the inputs themselves (pitfall numbers
 * refer to the spec). Warnings only: the CLI still computes exactly what it was asked to.
 */
export function inputWarnings(inputs: SignedInputs): string[] {
  const out: string[] = [];
  const { method, path, token, timestamp, signature } = inputs;
  if (method !== undefined && method !== method.toUpperCase()) {
    out.push('--method is upper-cased in the string to sign');
  }
  if (path !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    out.push('--path looks like a full URL; DOKU signs the path (and query) only (P3)');
  } else if (path !== undefined && !path.startsWith('/')) {
    out.push('--path should start with "/"');
  } else if (path !== undefined && !KNOWN_PATHS.has(path.split('?')[0])) {
    out.push(
      `--path is no SNAP path of the channels this tool knows (${CHANNEL_NAMES}): a typo, or a version prefix?`,
    );
  }
  if (token !== undefined && /^bearer\s/i.test(token)) {
    out.push('--token starts with "Bearer "; the string to sign takes the bare token (P4)');
  }
  if (timestamp !== undefined) {
    if (parseSnapTimestamp(timestamp) === null) {
      out.push('--timestamp is not ISO-8601 with an offset, e.g. 2024-05-17T14:12:50+07:00');
    } else if (timestamp.includes('.')) {
      out.push('--timestamp has fractions of a second; SNAP uses whole seconds');
    }
  }
  if (signature !== undefined) {
    if (/^[0-9a-f]{128}$/i.test(signature)) {
      out.push('--signature is hex; DOKU signatures are base64 (P1)');
    } else if (signature.length !== 88 && signature.length !== 344) {
      out.push(
        `--signature has ${signature.length} characters; HMAC-SHA512 is 88 base64 characters, ` +
          'SHA256withRSA (2048-bit) 344',
      );
    }
  }
  return out;
}

/** Adds `warnings` to an output only when there is something to say. */
export function withWarnings<T extends object>(
  output: T,
  warnings: string[],
): T & { warnings?: string[] } {
  return warnings.length > 0 ? { ...output, warnings } : output;
}
