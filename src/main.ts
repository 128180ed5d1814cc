import 'reflect-metadata';

// Everything SeatDesk writes (database, WAL, backups, mail files, the secret)
// holds accounts or secrets: private to the service user from the first byte.
process.umask(0o077);
import { ConfigError, loadAppConfig, type AppConfig } from './config/app.config';
import { releasePidFile, writePidFile } from './config/pid-file';
import { safeErrorMessage } from './common/error-info';

async function bootstrap(config: AppConfig): Promise<void> {
  // Loaded after the configuration is known to be good, so a bad value is reported at once.
  const { NestFactory } = await import('@nestjs/core');
  const { Logger } = await import('nestjs-pino');
  const { AppModule } = await import('./app.module');
  const { configureApp } = await import('./app.setup');

  const app = await NestFactory.create<import('@nestjs/platform-express').NestExpressApplication>(
    AppModule.forRoot(config),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  configureApp(app, config);
  writePidFile(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void app.close().finally(() => {
        releasePidFile(config);
        process.exit(0);
      });
    });
  }
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address() as { port: number };
  app.get(Logger).log(`SeatDesk listening on http://${config.host}:${address.port} (links use ${config.baseUrl})`);
}

let config: AppConfig;
try {
  config = loadAppConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
bootstrap(config).catch((err: Error) => {
  process.stderr.write(`SeatDesk could not start: ${safeErrorMessage(err)}\n`);
  releasePidFile(config);
  process.exit(1);
});
