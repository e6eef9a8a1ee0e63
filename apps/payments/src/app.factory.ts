import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule, AppRuntime } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { createValidationPipe } from './common/validation';
import { answerClientError } from './http/client-errors';
import { installBodyParsers } from './http/request-body';
import { requestIdOf } from './logging/request-id';

const REQUEST_TIMEOUT_MS = 30_000;

/** Bytes; a larger body is refused (413) before it is read in full. */
export const BODY_LIMIT = 64 * 1024;

/**
 * TRUST_PROXY as Express read it: a hop count trusts that many proxies in front, whatever their
 * address (Fastify itself would trust none for a bare number).
 */
function trustProxyOf(setting: boolean | number | string | undefined) {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}

/** Builds the Nest application (not yet listening). Tests and main.ts share it. */
export async function createApp(runtime: AppRuntime): Promise<INestApplication> {
  // Fastify, not Express: on the create-payment path it costs about 0.85 of Express' CPU per
  // request (BENCHMARKS.md, "HTTP adapter").
  const errors = new ApiExceptionFilter();
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
    trustProxy: trustProxyOf(runtime.config.trustProxy),
    requestIdHeader: false,
    genReqId: requestIdOf,
  });
  installBodyParsers(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(runtime),
    adapter,
    {
      bodyParser: false,
      bufferLogs: true,
      // A failed start (database unreachable ...) throws to the caller, which exits 1 with one
      // line, instead of process.abort() (a core dump, and a dead test worker).
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(errors);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  if (runtime.config.role !== 'worker') {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('doku-payments')
        .setDescription('DANA payments and refunds through DOKU SNAP: the internal API.')
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  return app;
}
