import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error';
import { duplicateKey } from './duplicate-keys';

/** The body bytes as received: DOKU's signatures and our idempotency hashes are over them. */
export type RequestWithRawBody = FastifyRequest & { rawBody?: Buffer };

/** Route config (`config` of a Fastify route) for routes that read their body as bytes only. */
export interface RawBodyRouteConfig {
  rawBodyOnly?: boolean;
}

const notJson = () => new ApiError(400, 'BAD_REQUEST', 'The request body is not valid JSON.');

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Any of those names in the text, or an escape, which could spell one without its letters. */
const MAYBE_FORBIDDEN = /__proto__|constructor|prototype|\\/;

/** A key that could change an object's prototype: refused as what it is, naming it. */
class ForbiddenKey extends ApiError {
  constructor(key: string) {
    super(400, 'FORBIDDEN_KEY', `A key named ${key} is not accepted in a JSON body.`, [
      { field: key, message: `${key} is not accepted as a key` },
    ]);
  }
}

function refuseForbiddenKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKey(key);
  return value;
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

function rawBodyOnly(request: FastifyRequest): boolean {
  return (request.routeOptions.config as RawBodyRouteConfig | undefined)?.rawBodyOnly === true;
}

/**
 * Every body is read as bytes, uncompressed (up to Fastify's bodyLimit), and kept on the request.
 * JSON bodies must be UTF-8 and are parsed strictly, prototype-pollution keys refused at parse
 * time; an empty one is an empty object. A body of another type is kept as bytes and left
 * unparsed, so the validation of the route refuses it as it would a missing one. Routes marked
 * `rawBodyOnly` (DOKU's calls) get bytes whatever their type: they answer a body that is not JSON
 * themselves, in their own format.
 */
export function installBodyParsers(fastify: FastifyInstance): void {
  // Fastify would read a compressed body as if it were plain: refuse any coding but identity.
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const coding = request.headers['content-encoding'];
    if (coding === undefined || coding.trim().toLowerCase() === 'identity') {
      return done(null, payload);
    }
    done(
      new ApiError(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        'Content-Encoding is not supported: send the body as is.',
      ),
      payload,
    );
  });
  fastify.removeAllContentTypeParsers();
  const parseJson = (
    request: RequestWithRawBody,
    body: Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => {
    request.rawBody = body;
    if (rawBodyOnly(request)) return done(null, undefined);
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(
        new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'JSON bodies must be UTF-8 (RFC 8259).'),
        undefined,
      );
    }
    const text = body.toString('utf8');
    // No body at all: an empty object, so that validation names each missing field.
    if (!/\S/.test(text)) return done(null, {});
    let parsed: unknown;
    try {
      // A reviver costs a call per value; only a body that could hold such a key pays for it.
      parsed = MAYBE_FORBIDDEN.test(text)
        ? JSON.parse(text, refuseForbiddenKeys)
        : JSON.parse(text);
    } catch (err) {
      return done(err instanceof ForbiddenKey ? err : notJson(), undefined);
    }
    // JSON.parse keeps the last of a key given twice: such a body says two things at once.
    const twice = duplicateKey(text);
    if (twice !== undefined)
      return done(
        new ApiError(400, 'DUPLICATE_KEY', `The key ${twice} appears twice in one object.`, [
          { field: twice, message: 'appears twice' },
        ]),
        undefined,
      );
    done(null, parsed);
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJson);
  fastify.addContentTypeParser(
    /^application\/[^;\s/]+\+json\s*(;.*)?$/i,
    { parseAs: 'buffer' },
    parseJson,
  );
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer' },
    (request: RequestWithRawBody, body: Buffer, done) => {
      request.rawBody = body;
      // A body the API would read as JSON, sent as something else (or as nothing said): named,
      // rather than answered with every field missing.
      // A path no route serves is answered 404 whatever it was sent.
      if (!rawBodyOnly(request) && !request.is404 && body.length > 0)
        return done(unsupportedType(request.headers['content-type']), undefined);
      done(null, undefined);
    },
  );
  // Without a Content-Type, Fastify runs no parser: a body sent so is refused the same way.
  fastify.addHook('preValidation', (request: RequestWithRawBody, _reply, done) => {
    if (
      request.headers['content-type'] === undefined &&
      !rawBodyOnly(request) &&
      !request.is404 &&
      Number(request.headers['content-length'] ?? 0) > 0
    )
      return done(unsupportedType(undefined));
    done();
  });
}

function unsupportedType(received: string | undefined): ApiError {
  const type = received?.split(';')[0].trim().slice(0, 100);
  return new ApiError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    type
      ? `The body must be JSON (Content-Type: application/json), not ${type}.`
      : 'The body must be JSON: send it with Content-Type: application/json.',
    [{ field: 'Content-Type', message: type ? `${type} is not accepted` : 'is required' }],
  );
}
