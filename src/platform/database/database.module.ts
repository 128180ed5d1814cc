import { MikroORM, type Options } from '@mikro-orm/better-sqlite';
import type { MigrationObject } from '@mikro-orm/core';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { DynamicModule, Global, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/app.config';
import { AfterCommit } from './after-commit';
import { buildOrmConfig } from './orm.config';
import { Sql, SqliteHandle } from './sql';

export const MIGRATE_ON_BOOT = Symbol('MIGRATE_ON_BOOT');

/** Applies the committed migrations (never schema.update()) and says whether the schema is current. */
@Injectable()
export class MigrationRunner implements OnModuleInit {
  private readonly logger = new Logger('Migrations');
  private current = false;

  constructor(
    readonly orm: MikroORM,
    private readonly migrateOnBoot: boolean,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.migrateOnBoot) await this.migrate();
  }

  /** Applies pending migrations; returns their names. */
  async migrate(): Promise<string[]> {
    const applied = await this.orm.getMigrator().up();
    if (applied.length > 0) this.logger.log(`Applied ${applied.map((m) => m.name).join(', ')}`);
    this.current = true;
    return applied.map((m) => m.name);
  }

  async pending(): Promise<string[]> {
    return (await this.orm.getMigrator().getPendingMigrations()).map((m) => m.name);
  }

  async isCurrent(): Promise<boolean> {
    if (!this.current) this.current = (await this.pending()).length === 0;
    return this.current;
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(
    config: AppConfig,
    // Plugins' entities and migrations (appended after the core ones).
    options: { migrate: boolean; entities?: Options['entities']; migrations?: MigrationObject[] },
  ): DynamicModule {
    const handle = new SqliteHandle();
    return {
      module: DatabaseModule,
      imports: [
        MikroOrmModule.forRoot({
          ...buildOrmConfig(config, options.entities, options.migrations, handle),
          autoLoadEntities: true,
          // configureApp mounts the request context first, before any middleware queries.
          registerRequestContext: false,
        }),
      ],
      providers: [
        AfterCommit,
        { provide: SqliteHandle, useValue: handle },
        Sql,
        {
          provide: MigrationRunner,
          inject: [MikroORM],
          useFactory: (orm: MikroORM) => new MigrationRunner(orm, options.migrate),
        },
      ],
      exports: [MigrationRunner, AfterCommit, Sql],
    };
  }
}
