import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiExceptionFilter } from '../common/api-exception.filter';
import { BODY_LIMIT } from '../common/body-limit';
import type { AppConfig } from '../config/app-config';
import { requestIdOf } from '../logging/request-id';
import { answerClientError } from './client-errors';
import { installBodyParsers } from './request-body';
import { CLOSING_SERVER_OPTIONS } from './shutdown';

/** Bytes; a larger body is refused (413) before it is read in full. */

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * TRUST_PROXY as Express read it: a hop count trusts that many proxies in front, whatever their
 * address (Fastify itself would trust none for a bare number).
 */
function trustProxyOf(setting: boolean | number | string | undefined) {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}

/**
 * The HTTP server under Nest: Fastify, not Express; on the create-payment path a request costs
 * about 0.85 of the CPU it cost on Express (BENCHMARKS.md, "HTTP adapter"). Every answer it gives
 * before a route runs (bodies it cannot read, URLs it cannot route, requests that are not HTTP)
 * is in the API's error shape, through `errors`.
 */
export function createHttpAdapter(config: AppConfig, errors: ApiExceptionFilter): FastifyAdapter {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    // As Express routed: `/v1/payments/` is `/v1/payments`.
    routerOptions: { ignoreTrailingSlash: true },
    // The whole request (headers and a body of at most 64 kB) within 30 s, answered 408 after;
    // Fastify's default, 0, lets a client that trickles its body hold a connection for ever. Set
    // at the server's creation too: Node checks a requestTimeout set afterwards only when it is
    // at least the headersTimeout (60 s), which the constructor lowers to it.
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { requestTimeout: REQUEST_TIMEOUT_MS },
    clientErrorHandler: answerClientError,
    // A URL the router cannot read (bad escapes, a path parameter over 100 characters): the same
    // error shape as everything else, not Fastify's, which echoes the URL.
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
      const { status, body } = errors.toResponse(error);
      void reply.status(status).send(body);
    },
    trustProxy: trustProxyOf(config.trustProxy),
    requestIdHeader: false,
    genReqId: requestIdOf,
    ...CLOSING_SERVER_OPTIONS,
  });
  installBodyParsers(adapter.getInstance());
  return adapter;
}
