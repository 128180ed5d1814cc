import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';
import { AppModule } from '../app.module';
import type { AppConfig } from '../config/app.config';
import { AuthModule } from '../modules/auth/auth.module';
import { CatalogModule } from '../modules/catalog/catalog.module';
import { LicensesModule } from '../modules/licenses/licenses.module';
import { OrganizationsModule } from '../modules/organizations/organizations.module';
import { PeopleModule } from '../modules/people/people.module';
import { AuditVerifyCommand } from './audit-verify.command';
import { CliContext } from './cli-command';
import { CliInput } from './cli-input';
import { CliOutput, type CliIo } from './cli-output';
import { DbBackupCommand } from './db-backup.command';
import { DbMigrateCommand } from './db-migrate.command';
import { DbRestoreCommand } from './db-restore.command';
import { DbSeedCommand } from './db-seed.command';
import { JobsListCommand, JobsRunCommand } from './jobs.command';
import { LicenseCreateCommand } from './license-create.command';
import { OrgCreateCommand } from './org-create.command';
import { ProductCreateCommand } from './product-create.command';
import { UserCreateCommand } from './user-create.command';
import { UserResetLinkCommand } from './user-reset-link.command';
import { UserUnlockCommand } from './user-unlock.command';
import { UserReset2faCommand } from './user-reset-2fa.command';

// The commander API runCli uses, typed here because nest-commander brings its
// own (older) commander: the top-level package's types are not the ones in use.
export interface Program {
  readonly commands: readonly Program[];
  name(): string;
  name(name: string): Program;
  description(text: string): Program;
  exitOverride(handler: (err: Error) => never): Program;
  allowExcessArguments(allow: boolean): Program;
  configureOutput(output: { outputError?: (text: string, write: (text: string) => void) => void }): Program;
}

/** The root commander program, so runCli can configure every command in it. */
@Injectable()
export class CliProgram {
  constructor(@InjectCommander() readonly root: Program) {}

  /** The root and every command below it. */
  all(): Program[] {
    const walk = (command: Program): Program[] => [command, ...command.commands.flatMap(walk)];
    return walk(this.root);
  }
}

// In help order.
export const COMMANDS = [
  DbMigrateCommand,
  DbSeedCommand,
  DbBackupCommand,
  DbRestoreCommand,
  OrgCreateCommand,
  UserCreateCommand,
  UserUnlockCommand,
  UserResetLinkCommand,
  UserReset2faCommand,
  ProductCreateCommand,
  LicenseCreateCommand,
  AuditVerifyCommand,
  JobsListCommand,
  JobsRunCommand,
];

@Module({})
export class CliModule {
  static forRoot(config: AppConfig, io: Pick<CliIo, 'stdout' | 'stderr' | 'stdin'>): DynamicModule {
    return {
      module: CliModule,
      // The server's graph without HTTP; each command decides about migrations.
      imports: [
        AppModule.forRoot(config, { migrate: false, http: false, scheduler: false }),
        PeopleModule,
        OrganizationsModule,
        AuthModule,
        CatalogModule,
        LicensesModule,
      ],
      providers: [
        { provide: CliOutput, useValue: new CliOutput(io) },
        { provide: CliInput, useValue: new CliInput(io.stdin ?? process.stdin, io.stderr) },
        CliContext,
        CliProgram,
        ...COMMANDS,
      ],
    };
  }
}
