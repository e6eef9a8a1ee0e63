import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppRuntime } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { jsonBodyParser } from './common/json-body';
import { createValidationPipe } from './common/validation';

export const BODY_LIMIT = '64kb';

/** Builds the Nest application (not yet listening). Tests and main.ts share it. */
export async function createApp(runtime: AppRuntime): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), {
    bodyParser: false,
    bufferLogs: true,
    // A failed start (database unreachable ...) throws to the caller, which exits 1 with one
    // line, instead of process.abort() (a core dump, and a dead test worker).
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  if (runtime.config.trustProxy !== undefined) app.set('trust proxy', runtime.config.trustProxy);
  app.use(jsonBodyParser(BODY_LIMIT));
  app.useGlobalFilters(new ApiExceptionFilter());
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
