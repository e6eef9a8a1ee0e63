import { registerDecorator, ValidationOptions } from 'class-validator';
import { parseSnapTimestamp } from '@app/doku-snap';
import { hasControlCharacters } from './control-characters';

/**
 * An ISO-8601 timestamp with an explicit offset. Whether it is still in the future is the
 * service's check (a new payment only): a retry under an Idempotency-Key after the time passed
 * must still get its first answer back.
 */
export function IsSnapTimestamp(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSnapTimestamp',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be an ISO-8601 time with offset, e.g. 2030-01-01T10:00:00+07:00`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          return typeof value === 'string' && parseSnapTimestamp(value) !== null;
        },
      },
    });
}

/** Printable ASCII: what DOKU takes in a reference such as partnerReferenceNo. */
export const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Visible ASCII, no space: what an id sent to DOKU may hold, such as partnerRefundNo. */
export const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Text a person wrote (an order title, a refund reason): any characters but control characters,
 * which PostgreSQL refuses (NUL) or DOKU has no use for.
 */
export function IsFreeText(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isFreeText',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must not contain control characters` },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !hasControlCharacters(value),
      },
    });
}

const AMOUNT_VALUE = /^(?!0+\.00$)(0|[1-9][0-9]{0,15})\.[0-9]{2}$/;

/**
 * Money as callers send it: a decimal string with two decimals, greater than zero, at most 16
 * digits before the point (SNAP's limit). The message says which of those the value breaks.
 */
export function IsAmountValue(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAmountValue',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && AMOUNT_VALUE.test(value),
        defaultMessage: (args) => {
          const value: unknown = args?.value;
          if (typeof value === 'number')
            return 'value must be a string with two decimals, e.g. "15000.00", not a number';
          if (typeof value === 'string' && /^[0-9]{17,}(\.[0-9]*)?$/.test(value))
            return 'value must have at most 16 digits before the decimal point (9999999999999999.99 at most)';
          if (typeof value === 'string' && /^0+(\.0+)?$/.test(value))
            return 'value must be greater than zero';
          return 'value must be a positive amount with two decimals, e.g. "15000.00"';
        },
      },
    });
}
