import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, registerDecorator, ValidationOptions } from 'class-validator';
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

/** A caller's metadata: at most this many keys, each this long at most, values this long. */
export const METADATA_LIMITS = { keys: 20, keyLength: 40, valueLength: 500 } as const;
/** A metadata key's characters (the list filter `key:value` reads the same). */
export const METADATA_KEY_CHARACTERS = 'A-Za-z0-9_.-';
const METADATA_KEY = new RegExp(`^[${METADATA_KEY_CHARACTERS}]+$`);

/** Why `value` is not metadata; undefined when it is. */
export function metadataProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'metadata must be an object of string keys and string values';
  const entries = Object.entries(value);
  if (entries.length > METADATA_LIMITS.keys)
    return `metadata holds at most ${METADATA_LIMITS.keys} keys`;
  for (const [key, item] of entries) {
    if (key.length > METADATA_LIMITS.keyLength || !METADATA_KEY.test(key))
      return `metadata keys are 1-${METADATA_LIMITS.keyLength} letters, digits, _ . or - (not ${JSON.stringify(key.slice(0, 50))})`;
    if (typeof item !== 'string') return `metadata.${key} must be a string`;
    if (item.length > METADATA_LIMITS.valueLength || hasControlCharacters(item))
      return `metadata.${key} must be at most ${METADATA_LIMITS.valueLength} characters, without control characters`;
  }
  return undefined;
}

/** The caller's own keys and values (stored and returned, never sent to DOKU). */
function IsMetadata(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMetadata',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => metadataProblem(value) === undefined,
        defaultMessage: (args) => metadataProblem(args?.value) ?? 'metadata is invalid',
      },
    });
}

const METADATA_SCHEMA = {
  type: 'object',
  additionalProperties: { type: 'string', maxLength: METADATA_LIMITS.valueLength },
  maxProperties: METADATA_LIMITS.keys,
} as const;

/** A request's optional `metadata`: validated and documented with the same limits. */
export function MetadataInput(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      ...METADATA_SCHEMA,
      example: { orderType: 'gift' },
      description: 'Your own keys and values: stored and returned, never sent to DOKU.',
    }),
    IsOptional(),
    IsMetadata(),
  );
}

/** A view's `metadata`, as the caller gave it. */
export function MetadataOutput(): PropertyDecorator {
  return ApiProperty({
    ...METADATA_SCHEMA,
    description: 'Your own keys and values, as you gave them',
  });
}
