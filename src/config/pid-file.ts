import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './app.config';

// The running server leaves its pid beside the database, so db:restore can
// refuse to swap the file out from under it.
const pidFile = (config: Pick<AppConfig, 'dataDir'>) => join(config.dataDir, 'seatdesk.pid');

export function writePidFile(config: Pick<AppConfig, 'dataDir' | 'databasePath'>): void {
  writeFileSync(pidFile(config), JSON.stringify({ pid: process.pid, database: config.databasePath }));
}

export function releasePidFile(config: Pick<AppConfig, 'dataDir'>): void {
  try {
    const { pid } = JSON.parse(readFileSync(pidFile(config), 'utf8')) as { pid: number };
    if (pid === process.pid) rmSync(pidFile(config));
  } catch {
    // already gone
  }
}

/** The pid of a live server using this database file, if any. */
export function runningServer(config: Pick<AppConfig, 'dataDir' | 'databasePath'>): number | null {
  try {
    const { pid, database } = JSON.parse(readFileSync(pidFile(config), 'utf8')) as { pid: number; database: string };
    if (database !== config.databasePath || pid === process.pid) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}
