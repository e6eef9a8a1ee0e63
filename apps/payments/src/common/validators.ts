import { Matches, registerDecorator, ValidationOptions } from 'class-validator';
import { parseSnapTimestamp } from '@app/doku-snap';

/** An ISO-8601 timestamp with an explicit offset, in the future. */
export function IsFutureTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFutureTimestamp',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be an ISO-8601 time with offset in the future, e.g. 2030-01-01T10:00:00+07:00`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          const ms = parseSnapTimestamp(value);
          return ms !== null && ms > Date.now();
        },
      },
    });
}

/** Printable ASCII: what DOKU takes in a reference such as partnerReferenceNo. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * Text a person wrote (an order title, a refund reason): any characters but control characters,
 * which PostgreSQL refuses (NUL) or DOKU has no use for.
 */
export function IsFreeText(): PropertyDecorator {
  // eslint-disable-next-line no-control-regex
  return Matches(/^[^\x00-\x1f\x7f]*$/, {
    message: '$property must not contain control characters',
  });
}
