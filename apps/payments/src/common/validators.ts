import { registerDecorator, ValidationOptions } from 'class-validator';
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
