import {
  ArgumentMetadata,
  ValidationError,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';
import { acceptorFor } from './accepted-body';
import { ErrorDetail, validationFailed } from './api-error';

/**
 * One message per field: "is required" when it is absent, else the first rule it breaks (a field
 * breaking three rules reads as one problem, not three).
 */
function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const messages = Object.values(e.constraints ?? {});
    const own =
      messages.length === 0
        ? []
        : [{ field, message: e.value === undefined ? `${field} is required` : messages[0] }];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * Strict DTO validation: unknown fields are refused (no mass assignment), types are not coerced,
 * and every problem names its field.
 */
export const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  // The value is read to tell an absent field (never written into an answer).
  validationError: { target: false, value: true },
  exceptionFactory: (errors) => validationFailed(flatten(errors)),
};

/**
 * A body that passes its DTO's rules takes the fast path (accepted-body.ts); the rest, Nest's pipe.
 * A body that is not a JSON object is refused first: Nest's pipe would read `null` as `{}`, and a
 * refund body of `null` must not mean "refund all that is left".
 */
class BodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw validationFailed([{ field: 'body', message: 'the body must be a JSON object' }]);
      }
      const accepted = acceptorFor(metadata.metatype)?.(value);
      if (accepted) return accepted;
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new BodyValidationPipe(VALIDATION_OPTIONS);
}
