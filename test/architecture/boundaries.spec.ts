import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/config/paths';

// ESLint's config is an ES module, which Jest cannot load: lint every case in
// one plain Node process with the project's real configuration.
const LINT = `
  import { ESLint } from 'eslint';
  import { join } from 'node:path';
  const cases = JSON.parse(await new Promise((done) => {
    let text = '';
    process.stdin.on('data', (chunk) => (text += chunk)).on('end', () => done(text));
  }));
  // The fixtures are not files of the TypeScript project: lint them without type information.
  const eslint = new ESLint({
    cwd: process.cwd(),
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false } },
      rules: {
        '@typescript-eslint/no-floating-promises': 'off',
        '@typescript-eslint/no-misused-promises': 'off',
        '@typescript-eslint/switch-exhaustiveness-check': 'off',
      },
    },
  });
  const out = [];
  for (const { file, code } of cases) {
    const [result] = await eslint.lintText(code, { filePath: join(process.cwd(), file) });
    out.push(result.messages.filter((m) => m.ruleId === 'seatdesk/boundaries').map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
`;

function lintAll(cases: { file: string; code: string }[]): string[][] {
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT], {
    cwd: PROJECT_ROOT,
    input: JSON.stringify(cases),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[][];
}

// The lint rule behind the layers (scripts/eslint-boundaries.mjs), run on code
// placed where a newcomer might write it: each must fail `npm run lint`.
const REFUSED: [string, string, string, RegExp][] = [
  [
    'the platform importing a module',
    'src/platform/mail/new-thing.ts',
    "import { PeopleService } from '../../modules/people/people.service';\nexport const x = PeopleService;\n",
    /never imports a module \(people\)/,
  ],
  [
    'a module importing another module’s repository',
    'src/modules/organizations/new-thing.ts',
    "import { PeopleRepository } from '../people/people.repository';\nexport const x = PeopleRepository;\n",
    /through its exported service/,
  ],
  [
    'a module importing another module’s DTO',
    'src/modules/people/new-thing.ts',
    "import { OrganizationNameDto } from '../organizations/dto/organization-name.dto';\nexport const x = OrganizationNameDto;\n",
    /through its exported service/,
  ],
  [
    'a migration importing live code',
    'src/platform/database/migrations/Migration29990101000000_x.ts',
    "import { organizationNameKey } from '../../../modules/organizations/organization-name';\nexport const x = organizationNameKey;\n",
    /frozen SQL/,
  ],
  [
    'a plugin importing core internals',
    'plugins/webhooks/new-thing.ts',
    "import { AuditService } from '../../src/platform/audit/audit.service';\nexport const x = AuditService;\n",
    /only through src\/platform\/plugin-host\/plugin-api/,
  ],
  [
    'common importing the platform',
    'src/common/new-thing.ts',
    "import { Sql } from '../platform/database/sql';\nexport const x = Sql;\n",
    /below the platform/,
  ],
];

const ALLOWED: [string, string, string][] = [
  [
    'a module using another module’s service',
    'src/modules/organizations/new-thing.ts',
    "import { PeopleService } from '../people/people.service';\nexport const x = PeopleService;\n",
  ],
  [
    'a module using its own repository from a subfolder',
    'src/modules/auth/lockout/new-thing.ts',
    "import { TwoFactorRepository } from '../two-factor/two-factor.repository';\nexport const x = TwoFactorRepository;\n",
  ],
  [
    'a plugin using the plugin API',
    'plugins/webhooks/new-thing.ts',
    "import { Sql } from '../../src/platform/plugin-host/plugin-api';\nexport const x = Sql;\n",
  ],
];

describe('the boundaries lint rule', () => {
  const results = lintAll([...REFUSED, ...ALLOWED].map(([, file, code]) => ({ file, code })));

  it.each(REFUSED.map((c, i) => [...c, i] as const))('refuses %s', (_label, _file, _code, message, i) => {
    expect(results[i]).toHaveLength(1);
    expect(results[i][0]).toMatch(message);
  });

  it.each(ALLOWED.map((c, i) => [...c, REFUSED.length + i] as const))('allows %s', (_label, _file, _code, i) => {
    expect(results[i]).toEqual([]);
  });
});
