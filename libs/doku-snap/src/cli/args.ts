import { CliError } from './errors';

export type Flags = Readonly<Record<string, string | undefined>>;

const FLAG_NAME_RE = /^[a-z][a-z-]*$/;

/**
 * Reads `--name value` and `--name=value` pairs, allowing only the names given. Values are never
 * echoed in errors: someone may paste a secret where a flag was expected.
 */
export function parseFlags(args: readonly string[], allowed: readonly string[]): Flags {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      throw new CliError(`unexpected argument at position ${i + 1}: values follow their --option`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!FLAG_NAME_RE.test(name) || !allowed.includes(name)) {
      const shown = FLAG_NAME_RE.test(name) ? ` --${name}` : '';
      throw new CliError(
        `unknown option${shown}; this verb takes ${allowed.map((a) => `--${a}`).join(' ')}`,
      );
    }
    if (name in flags) throw new CliError(`--${name} is given twice`);
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else if (i + 1 < args.length && !args[i + 1].startsWith('--')) {
      value = args[++i];
    }
    if (!value) throw new CliError(`--${name} needs a value`);
    flags[name] = value;
  }
  return flags;
}

export function requireFlag(flags: Flags, name: string): string {
  const value = flags[name];
  if (value === undefined) throw new CliError(`--${name} is required`);
  return value;
}

/** Refuses options that do not belong to the form the other options selected. */
export function forbidFlags(flags: Flags, names: readonly string[], why: string): void {
  const present = names.filter((n) => flags[n] !== undefined);
  if (present.length > 0) {
    throw new CliError(`${present.map((n) => `--${n}`).join(', ')}: ${why}`);
  }
}
