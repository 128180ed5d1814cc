import axe from 'axe-core';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { TestApp } from './test-app';

// Debian's Chromium, never a downloaded one (DESIGN.md: no browser downloads).
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

/** Serves the test app on a random port and returns its base URL. */
export async function serve(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
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
