import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SCHEME } from './http/api-docs';
import { AppModule, AppRuntime } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { createValidationPipe } from './common/validation';
import { createHttpAdapter } from './http/http-adapter';
import { NestPinoLogger } from './logging/nest-logger';
import { servesApi } from './roles';

/** Builds the Nest application (not yet listening). Tests and main.ts share it. */
export async function createApp(runtime: AppRuntime): Promise<INestApplication> {
  const errors = new ApiExceptionFilter();
  const adapter = createHttpAdapter(runtime.config, errors);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(runtime),
    adapter,
    {
      bodyParser: false,
      bufferLogs: true,
      // A failed start (database unreachable ...) throws to the caller, which exits 1 with one
      // line, instead of process.abort() (a core dump, and a dead test worker); and the logs
      // buffered until then are dropped rather than printed as Nest's coloured text, a stack
      // trace included, above that line. On success they go out through pino below.
      abortOnError: false,
      autoFlushLogs: false,
    },
  );
  app.useLogger(app.get(NestPinoLogger));
  app.flushLogs();
  app.useGlobalFilters(errors);
  app.useGlobalPipes(createValidationPipe());
  if (servesApi(runtime.config.role)) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('doku-payments')
        .setDescription('DANA payments and refunds through DOKU SNAP: the internal API.')
        .setVersion('1')
        .addBearerAuth(
          {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'API key',
            description: 'One of the API keys in API_KEYS, an opaque string',
          },
          API_KEY_SCHEME,
        )
        .build(),
    );
    SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  }
  return app;
}
