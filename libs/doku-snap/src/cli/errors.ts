/**
 * A problem with how the CLI was called or with what it was given (exit code 2). Messages name
 * options and environment variables, never their secret values.
 */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
