import 'reflect-metadata';

// Backups and restored databases hold accounts: private from the first byte (see src/main.ts).
process.umask(0o077);
import { runCli } from './cli';
import { describeError } from './cli-output';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`seatdesk: ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
