import { Inject, Injectable, type INestApplicationContext } from '@nestjs/common';
import { CommandRunner } from 'nest-commander';
import type { AppConfig } from '../config/app.config';
import { APP_CONFIG } from '../common/config.module';
import { MigrationRunner } from '../platform/database/database.module';
import { withContext } from '../platform/database/request-context';
import { runWithRequestInfo, systemActor } from '../common/request-info';
import { CommandFailed, CliError, describeError } from './cli-output';
import type { Person } from '../modules/people/person.entity';
import type { PeopleService } from '../modules/people/people.service';

/**
 * What commands share: the configuration, the migrations and the application
 * context itself (seeders and factories take it), attached by runCli once built.
 */
@Injectable()
export class CliContext {
  private context: INestApplicationContext | null = null;

  constructor(
    @Inject(APP_CONFIG) readonly config: AppConfig,
    readonly migrations: MigrationRunner,
  ) {}

  attach(app: INestApplicationContext): void {
    this.context = app;
  }

  get app(): INestApplicationContext {
    if (!this.context) throw new Error('CliContext used before runCli attached the application');
    return this.context;
  }

  /** Every command but db:migrate and db:restore starts here, so a fresh install just works. */
  migrate(): Promise<string[]> {
    return this.migrations.migrate();
  }

  /** Database work runs in its own MikroORM context, as a request would. */
  inContext<T>(work: () => Promise<T>): Promise<T> {
    return runWithRequestInfo({ actor: systemActor('cli') }, () => withContext(this.app, work));
  }

  /** Backup and restore work on the file; an in-memory database has none. */
  databaseFile(): string {
    if (this.config.databasePath === ':memory:') {
      throw new CliError('DATABASE_URL names an in-memory database: there is no file to back up or restore');
    }
    return this.config.databasePath;
  }
}

/** Turns any failure into one line naming the command; runCli prints it. */
export abstract class CliCommand<Options extends object = object> extends CommandRunner {
  protected abstract execute(params: string[], options: Options): Promise<void>;

  async run(params: string[], options?: Record<string, unknown>): Promise<void> {
    try {
      // Commander has checked the options against the @Option declarations.
      await this.execute(params, (options ?? {}) as Options);
    } catch (err) {
      const exitCode = err instanceof CliError ? err.exitCode : 1;
      throw new CommandFailed(this.command.name(), describeError(err), exitCode);
    }
  }
}

/** Option values as given; nest-commander wants a parser method per option. */
export const asString = (value: string): string => value;

/** The person a command names by `--email`, or a one-line error. */
export async function personByEmail(people: PeopleService, email: string): Promise<Person> {
  const person = await people.findForSignIn(email);
  if (!person) throw new CliError(`email: no person has the address "${email.trim()}"`);
  return person;
}
