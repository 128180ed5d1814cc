import type { INestApplicationContext } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { ConfigError, loadAppConfig, readEnvironment, type AppConfig } from '../config/app.config';
import { PROJECT_ROOT } from '../config/paths';
import { CliContext } from './cli-command';
import { CliModule, CliProgram } from './cli.module';
import { CommandFailed, describeError, oneLine, type CliIo } from './cli-output';

export const CLI_NAME = 'seatdesk';

// Commander reports help, version and usage errors by "exiting"; the override
// turns that into an exception so nothing calls process.exit in-process.
interface CommanderExit {
  code: string;
  exitCode: number;
}

const isCommanderExit = (err: unknown): err is CommanderExit =>
  typeof err === 'object' &&
  err !== null &&
  typeof (err as CommanderExit).code === 'string' &&
  (err as CommanderExit).code.startsWith('commander.') &&
  typeof (err as CommanderExit).exitCode === 'number';

const NORMAL_EXITS = ['commander.helpDisplayed', 'commander.help', 'commander.version'];

/** Usage errors (unknown command or option, missing option) exit 2, as shells expect. */
const USAGE_ERROR = 2;

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Runs one CLI invocation in-process and returns its exit status. Output goes
 * through io only; nothing here calls process.exit.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let config: AppConfig;
  try {
    config = loadAppConfig(io.env ?? readEnvironment());
  } catch (err) {
    io.stderr(`${err instanceof ConfigError ? err.message : `${CLI_NAME}: ${describeError(err)}`}\n`);
    return 1;
  }

  let app: INestApplicationContext;
  try {
    app = await CommandFactory.createWithoutRunning(CliModule.forRoot(config, io), {
      logger: false,
      // Nest aborts the process on a failed start unless told otherwise.
      abortOnError: false,
      serviceErrorHandler: (err) => {
        throw err;
      },
      outputConfiguration: {
        writeOut: (text) => io.stdout(text),
        writeErr: (text) => io.stderr(text),
      },
      version: version(),
    });
  } catch (err) {
    io.stderr(`${CLI_NAME}: cannot start: ${describeError(err)}\n`);
    return 1;
  }

  try {
    app.get(CliContext).attach(app);
    const program = app.get(CliProgram);
    program.root.name(CLI_NAME).description('SeatDesk operator commands (run a command with --help for its options)');
    // nest-commander only sets this on the root; subcommands do not inherit it.
    for (const command of program.all()) {
      const label = command === program.root ? CLI_NAME : command.name();
      command
        .exitOverride((err) => {
          throw err;
        })
        // nest-commander's commander (11) still accepts stray arguments by default.
        .allowExcessArguments(false)
        .configureOutput({
          outputError: (text, write) => write(`${label}: ${oneLine(text).replace(/^error: /, '')} (see --help)\n`),
        });
    }
    await app.get(CommandRunnerService).run(['node', CLI_NAME, ...argv]);
    return 0;
  } catch (err) {
    if (isCommanderExit(err)) {
      // Commander has already written the help or the error message.
      return NORMAL_EXITS.includes(err.code) ? err.exitCode : USAGE_ERROR;
    }
    if (err instanceof CommandFailed) {
      io.stderr(`${err.command}: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`${CLI_NAME}: ${describeError(err)}\n`);
    return 1;
  } finally {
    await app.close().catch(() => undefined);
  }
}
