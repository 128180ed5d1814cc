// The import rules of docs/architecture.md as one ESLint rule, so `npm run lint`
// fails when an arrow points the wrong way. Paths are resolved, not matched as
// text, so a module's subfolders (auth/sign-in, auth/lockout) count as its own.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PLUGIN_API = 'src/platform/plugin-host/plugin-api';
// What another module may not reach: its queries, its HTTP edge and its form shapes.
const INTERNAL = /(\.repository|\.controller|\/dto\/[^/]+)$/;

function projectPath(absolute) {
  return relative(ROOT, absolute)
    .split(sep)
    .join('/')
    .replace(/\.(ts|js|mjs)$/, '');
}

/** Which room of the house a project path is in. */
export function areaOf(path) {
  let m;
  if ((m = /^src\/modules\/([^/]+)\//.exec(path))) return { kind: 'module', name: m[1] };
  if (/^src\/platform\/database\/migrations\//.test(path)) return { kind: 'migration' };
  if (/^src\/platform\//.test(path)) return { kind: 'platform' };
  if (/^src\/common\//.test(path)) return { kind: 'common' };
  if (/^src\/config\//.test(path)) return { kind: 'config' };
  if ((m = /^plugins\/([^/]+)\//.exec(path))) return { kind: 'plugin', name: m[1] };
  return { kind: 'other' };
}

/** Why importing `target` from `file` breaks the rules, or null. Both are project paths. */
export function boundaryProblem(file, target, specifier) {
  const from = areaOf(file);
  if (from.kind === 'migration') {
    // The migrations' own list (index.ts) imports the migrations beside it.
    const frozen = !specifier.startsWith('.') || areaOf(target).kind === 'migration';
    return frozen ? null : 'A migration is frozen SQL: it imports no live code of the app.';
  }
  if (!specifier.startsWith('.')) return null;
  const to = areaOf(target);
  if (['platform', 'common', 'config'].includes(from.kind) && to.kind === 'module') {
    return `src/${from.kind} never imports a module (${to.name}): declare a port the module answers in its manifest.`;
  }
  if ((from.kind === 'common' || from.kind === 'config') && to.kind === 'platform') {
    return `src/${from.kind} sits below the platform and never imports it.`;
  }
  if (from.kind === 'config' && to.kind === 'common')
    return 'src/config is the bottom layer: it imports nothing of the app.';
  if (from.kind === 'module' && to.kind === 'module' && from.name !== to.name && INTERNAL.test(target)) {
    return `Reach the ${to.name} module through its exported service, never its repository, controller or DTOs.`;
  }
  if (from.kind === 'plugin' && target.startsWith('src/') && target !== PLUGIN_API) {
    return `A plugin imports SeatDesk only through ${PLUGIN_API}.`;
  }
  return null;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Layers and module boundaries (docs/architecture.md)' },
    schema: [],
    messages: { boundary: '{{problem}}' },
  },
  create(context) {
    const file = projectPath(context.filename);
    const check = (node) => {
      if (!node.source || typeof node.source.value !== 'string') return;
      const specifier = node.source.value;
      const target = specifier.startsWith('.') ? projectPath(resolve(dirname(context.filename), specifier)) : specifier;
      const problem = boundaryProblem(file, target, specifier);
      if (problem) context.report({ node: node.source, messageId: 'boundary', data: { problem } });
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export const boundaries = { rules: { boundaries: rule } };
