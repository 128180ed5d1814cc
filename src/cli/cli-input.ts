import { readFile } from 'node:fs/promises';
import { errorCode } from '../common/error-info';
import { CliError } from './cli-output';

/** What the CLI reads from: the process's standard input, or a stand-in in tests. */
export interface CliStdin extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The usage-error exit status (as commander's own usage errors). */
const USAGE = 2;

/** A secret as a file or a pipe gives it: one trailing line break is not part of it. */
const withoutLineBreak = (text: string) => text.replace(/\r?\n$/, '');

/** Reads secrets without putting them on the command line (where `ps` and shell history see them). */
export class CliInput {
  constructor(
    private readonly stdin: CliStdin,
    private readonly stderr: (text: string) => void,
  ) {}

  get isTerminal(): boolean {
    return this.stdin.isTTY === true;
  }

  /** Everything on standard input, as `--password-stdin` takes it. */
  async readAll(): Promise<string> {
    let text = '';
    this.stdin.setEncoding('utf8');
    for await (const chunk of this.stdin) text += String(chunk);
    return withoutLineBreak(text);
  }

  /** The file's content, as `--password-file` takes it. */
  async readFile(option: string, path: string): Promise<string> {
    try {
      return withoutLineBreak(await readFile(path, 'utf8'));
    } catch (err) {
      throw new CliError(`${option}: ${path} cannot be read (${errorCode(err) ?? 'error'})`);
    }
  }

  /** Asks on the terminal without echoing what is typed (the prompt goes to stderr). */
  secret(prompt: string): Promise<string> {
    const stdin = this.stdin;
    this.stderr(prompt);
    stdin.setRawMode?.(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    return new Promise((resolve, reject) => {
      let typed: string[] = [];
      const finish = () => {
        stdin.off('data', onData);
        stdin.setRawMode?.(false);
        stdin.pause();
        this.stderr('\n');
      };
      const onData = (chunk: string | Buffer) => {
        for (const char of String(chunk)) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            finish();
            resolve(typed.join(''));
            return;
          }
          if (char === '\u0003') {
            finish();
            reject(new CliError('cancelled', 130));
            return;
          }
          if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
          else typed.push(char);
        }
      };
      stdin.on('data', onData);
    });
  }
}

export interface PasswordSources {
  password?: string;
  passwordStdin?: boolean;
  passwordFile?: string;
}

/**
 * The password from exactly one source: `--password-file`, `--password-stdin`,
 * the terminal prompt (asked twice) or, visible to other users, `--password`.
 */
export async function readPassword(input: CliInput, sources: PasswordSources, warn: (text: string) => void) {
  const given = [sources.password !== undefined, sources.passwordStdin === true, sources.passwordFile !== undefined];
  if (given.filter(Boolean).length > 1) {
    throw new CliError('password: give it one way: --password-stdin, --password-file or --password', USAGE);
  }
  if (sources.passwordFile !== undefined) return input.readFile('password-file', sources.passwordFile);
  if (sources.passwordStdin) return input.readAll();
  if (sources.password !== undefined) {
    warn(
      'warning: --password is visible to other users of this machine (ps) and kept in shell history; use --password-stdin or --password-file',
    );
    return sources.password;
  }
  if (!input.isTerminal) {
    throw new CliError(
      'password: give it with --password-stdin or --password-file (standard input is not a terminal to ask on)',
      USAGE,
    );
  }
  const password = await input.secret('Password: ');
  if ((await input.secret('Repeat the password: ')) !== password) {
    throw new CliError('password: the two entries differ');
  }
  return password;
}
