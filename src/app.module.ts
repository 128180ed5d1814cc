import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { APP_MODULES } from './app.modules';
import { Clock } from './common/clock';
import { createCsrf, CSRF, CsrfGuard } from './common/http/csrf';
import { HttpExceptionFilter } from './common/http/http-exception.filter';
import { RolesGuard } from './common/http/roles.guard';
import { createValidationPipe } from './common/http/validation';
import { rateLimitThrottlers } from './common/http/rate-limit/rate-limit.guard';
import type { AppConfig } from './config/app.config';
import { APP_CONFIG, ConfigModule } from './common/config.module';
import { DatabaseModule } from './platform/database/database.module';
import { portsModule } from './platform/module-host/define-module';
import { createLogger, loggerModuleParams, ROOT_LOGGER } from './logger';
import { PluginHostModule } from './platform/plugin-host/plugin-host.module';
import { loadPlugins, pluginEntities, pluginMigrations } from './platform/plugin-host/plugin-loader';
import { EventsModule } from './platform/events/events.module';
import { SessionGuard } from './modules/auth/sessions/session.guard';
import { HealthModule } from './platform/health/health.module';

export interface AppModuleOptions {
  clock?: Clock;
  /** Apply pending migrations while booting (the server does; the CLI decides per command). */
  migrate?: boolean;
  /** Only the modules a CLI needs: no HTTP guards, filters or throttling. */
  http?: boolean;
  /** Run @Job schedules (default: JOBS=on). The CLI runs jobs only when told to. */
  scheduler?: boolean;
  /** Where plugin folders are (default plugins/); tests point it at fixtures. */
  pluginsDir?: string;
}

/** The composition root. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    const http = options.http ?? true;
    const scheduler = options.scheduler ?? config.jobs;
    // Synchronously, before Nest builds the graph: a bad plugin throws here, naming itself.
    const plugins = loadPlugins(config.plugins, { dir: options.pluginsDir });
    const logger = createLogger(config);
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config, options.clock),
        LoggerModule.forRoot(loggerModuleParams(logger)),
        DatabaseModule.forRoot(config, {
          migrate: options.migrate ?? true,
          entities: pluginEntities(plugins),
          migrations: pluginMigrations(plugins),
        }),
        // Counts per account and address, and per address (RateLimit guards on the forms).
        ThrottlerModule.forRoot(rateLimitThrottlers(config.loginRateLimit, config.loginRateLimitPerAddress)),
        // Exactly once: without it @Job schedules stay inert (JOBS=off, CLI, tests).
        ...(scheduler ? [ScheduleModule.forRoot()] : []),
        EventsModule,
        HealthModule,
        ...APP_MODULES.map((m) => m.module),
        portsModule(APP_MODULES),
        PluginHostModule.forRoot(plugins),
      ],
      providers: http
        ? [
            { provide: ROOT_LOGGER, useValue: logger },
            { provide: CSRF, inject: [APP_CONFIG], useFactory: createCsrf },
            // Guards run in this order: CSRF, then session, then role.
            { provide: APP_GUARD, useClass: CsrfGuard },
            { provide: APP_GUARD, useClass: SessionGuard },
            { provide: APP_GUARD, useClass: RolesGuard },
            { provide: APP_FILTER, useClass: HttpExceptionFilter },
            { provide: APP_PIPE, useFactory: createValidationPipe },
          ]
        : [],
    };
  }
}
