import { NotFoundException } from '@nestjs/common';
import { expect, it } from 'vitest';
import { ApiError } from './api-error';
import { ApiExceptionFilter } from './api-exception.filter';

const filter = new ApiExceptionFilter();

it('answers what the caller got wrong in its own status, and our own faults 500 without detail', () => {
  expect(filter.toResponse(new ApiError(409, 'DUPLICATE', 'Taken.'))).toEqual({
    status: 409,
    body: { code: 'DUPLICATE', message: 'Taken.', details: [] },
  });
  expect(filter.toResponse(new NotFoundException()).status).toBe(404);
  // Fastify's own refusals carry statusCode.
  const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
  expect(filter.toResponse(tooLarge)).toEqual({
    status: 413,
    body: {
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The request body is too large: at most 64 kb.',
      details: [],
    },
  });
  // An error of ours or of a library that happens to carry `status` is still our fault: a 500,
  // never the caller's 4xx, and its message stays out of the body.
  const internal = Object.assign(new Error('upstream said 404 for /secret/path'), { status: 404 });
  expect(filter.toResponse(internal)).toEqual({
    status: 500,
    body: {
      code: 'INTERNAL_ERROR',
      message: 'Something went wrong on our side; it has been logged.',
      details: [],
    },
  });
});
