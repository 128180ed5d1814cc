import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Compiled code runs from dist/src/…, tests from src/…: walk up to the package
// root once instead of guessing how many '..' apart they are.
function findProjectRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json not found above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const VIEWS_DIR = join(PROJECT_ROOT, 'views');
export const PLUGINS_DIR = join(PROJECT_ROOT, 'plugins');
export const NODE_MODULES_DIR = join(PROJECT_ROOT, 'node_modules');
