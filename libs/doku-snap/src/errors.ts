/** Base class of every error this library throws on purpose. Messages never carry secrets. */
export class DokuSnapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A credential (secret or key) is missing or unusable. */
export class CredentialsError extends DokuSnapError {}

/** A request field breaks the SNAP format rules; `field` names it as the spec does. */
export class SnapValidationError extends DokuSnapError {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
