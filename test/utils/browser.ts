import axe from 'axe-core';
import { createServer, type AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from './test-app';

// Debian's Chromium, never a downloaded one: tests download nothing.
export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** One headless Chromium per test file; close it in afterAll. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A free port on 127.0.0.1, so BASE_URL (and every link in a mail) can name the server before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What a browser test file works with; `page` and `console` are new for every test. */
export interface BrowserSuite {
  t: TestApp;
  browser: Browser;
  /** The served app, also its BASE_URL: links in mails open in the browser. */
  baseUrl: string;
  /** One per file: it keeps the asset cache warm. */
  context: BrowserContext;
  page: Page;
  console: ConsoleWatch;
}

export interface BrowserSuiteOptions {
  /** Configuration beyond the test defaults (BASE_URL is the served address). */
  env?: Record<string, string>;
  context?: BrowserContextOptions;
  /** Keep cookies from one test to the next (a file that signs in once); by default each test starts signed out. */
  keepCookies?: boolean;
}

/**
 * Sets up a browser test file: the test app served on 127.0.0.1, one
 * Chromium with one context, a fresh page per test whose console is watched,
 * and no CSP refusal or script error allowed in any test. `bind` receives the
 * suite once it is up and again before every test, to copy into the file's
 * variables: `browserSuite({}, (s) => ({ t, baseUrl, page } = s))`.
 */
export function browserSuite(options: BrowserSuiteOptions, bind: (suite: BrowserSuite) => void): void {
  const suite = {} as BrowserSuite;
  beforeAll(async () => {
    const port = await freePort();
    suite.baseUrl = `http://127.0.0.1:${port}`;
    [suite.t, suite.browser] = await Promise.all([
      createTestApp({ BASE_URL: suite.baseUrl, ...options.env }),
      launchBrowser(),
    ]);
    await suite.t.app.listen(port, '127.0.0.1');
    suite.context = await suite.browser.newContext(options.context);
    bind(suite);
  });
  afterAll(async () => {
    await suite.context?.close();
    await suite.browser?.close();
    await suite.t?.close();
  });
  beforeEach(async () => {
    if (!options.keepCookies) await suite.context.clearCookies();
    suite.page = await suite.context.newPage();
    suite.console = watchConsole(suite.page);
    bind(suite);
  });
  afterEach(async () => {
    await suite.page?.close();
    suite.console?.assertNoCspErrors();
  });
}

/** Waits until the page shows `path` (any query string). */
export async function expectPath(page: Page, path: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === path);
}

/** The page's one h1, exactly `name` (or matching it). */
export async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  const h1 = page.locator('h1');
  await h1.waitFor();
  const text = (await h1.textContent())?.trim() ?? '';
  if (typeof name === 'string') expect(text).toBe(name);
  else expect(text).toMatch(name);
}

/** Signs in through the real form, as a person would. */
export async function signInThroughForm(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await Promise.all([page.waitForURL(/\/dashboard$/), page.getByRole('button', { name: 'Sign in' }).click()]);
}

interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe-core on the current page and fails on any serious or critical
 * violation, naming the rule and the elements. axe is injected with
 * page.evaluate (DevTools), not a <script> tag: the CSP forbids inline script.
 */
export async function checkA11y(page: Page, label = page.url()): Promise<void> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axe.source);
  const findings = await page.evaluate(async () => {
    const runner = (window as unknown as { axe: typeof axe }).axe;
    const result = await runner.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  const blocking = (findings as AxeFinding[]).filter((f) => BLOCKING.has(f.impact));
  if (blocking.length > 0) {
    const lines = blocking.map((f) => `  [${f.impact}] ${f.id}: ${f.help}\n    ${f.targets.join('\n    ')}`);
    throw new Error(`axe found ${blocking.length} serious/critical violation(s) on ${label}:\n${lines.join('\n')}`);
  }
}

export interface ConsoleWatch {
  /** Console errors and uncaught exceptions, in order. */
  readonly errors: string[];
  /** Fails when the CSP refused anything or a script threw. */
  assertNoCspErrors(): void;
}

const CSP_MESSAGE = /Content Security Policy|Refused to (execute|load|apply|connect|frame)/i;

/** Starts collecting console errors and page errors; call before the first goto. */
export function watchConsole(page: Page): ConsoleWatch {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return {
    errors,
    assertNoCspErrors() {
      const bad = errors.filter((e) => e.startsWith('pageerror:') || CSP_MESSAGE.test(e));
      if (bad.length > 0) throw new Error(`The page reported CSP violations or script errors:\n  ${bad.join('\n  ')}`);
    },
  };
}
