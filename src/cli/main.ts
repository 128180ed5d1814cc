import 'reflect-metadata';

// Backups and restored databases hold accounts: private from the first byte (see src/main.ts).
process.umask(0o077);
import { runCli } from './cli';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`seatdesk: ${err.message}\n`);
    process.exitCode = 1;
  },
);
