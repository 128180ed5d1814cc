import type { DynamicModule, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { FixedClock } from '../../src/common/clock';
import { loadAppConfig, type AppConfig } from '../../src/config/app.config';
import { createPerson, type CreatedPerson, type PersonSpec } from '../../seeds/factories';
import { MailService } from '../../src/platform/mail/mail.service';
import type { Role } from '../../src/modules/people/person.entity';
import { Client } from './http';
import { SmtpPeer, type ReceivedMail } from './smtp-peer';

type ModuleImport = Type<unknown> | DynamicModule;

export const TEST_SECRET = 'test-secret-for-seatdesk-e2e-0123456789abcdef';
export const TEST_START = Date.parse('2026-11-26T10:00:00Z');

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  clock: FixedClock;
  dataDir: string;
  /** Pass to supertest, or listen() for a browser. */
  server: ReturnType<NestExpressApplication['getHttpServer']>;
  close(): Promise<void>;
}

/** A fresh data directory for one test file (database, secret, mail). */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'seatdesk-test-'));
}

/** Configuration as a test would set the environment. */
export function testConfig(env: Record<string, string> = {}, dataDir = tempDataDir()): AppConfig {
  return loadAppConfig({
    DATA_DIR: dataDir,
    APP_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    LOGIN_RATE_LIMIT: '10000',
    JOBS: 'off',
    ...env,
  });
}

export interface TestAppOptions {
  clock?: FixedClock;
  /** Extra modules, e.g. a module of test jobs or listeners. */
  imports?: ModuleImport[];
  /** Where plugins are loaded from (the tests' fixtures instead of plugins/). */
  pluginsDir?: string;
  /** Apply pending migrations while booting (default true, as the server does). */
  migrate?: boolean;
  /** Boot on this existing data directory (another app's); close() then leaves it to its owner. */
  dataDir?: string;
}

/**
 * The real AppModule and configureApp on a fresh SQLite file with the real
 * migrations, and an injected clock tests move by hand.
 */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const config = testConfig(env, options.dataDir);
  const clock = options.clock ?? new FixedClock(TEST_START);
  const removeData = () => {
    if (!options.dataDir) rmSync(config.dataDir, { recursive: true, force: true });
  };
  let app: NestExpressApplication | undefined;
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.forRoot(config, { clock, pluginsDir: options.pluginsDir, migrate: options.migrate }),
        ...(options.imports ?? []),
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false, bodyParser: false });
    configureApp(app, config);
    await app.init();
  } catch (err) {
    await app?.close();
    removeData();
    throw err;
  }
  const started = app;
  return {
    app: started,
    config,
    clock,
    dataDir: config.dataDir,
    server: started.getHttpServer(),
    async close() {
      await started.close();
      removeData();
    },
  };
}

/** Serves the app on 127.0.0.1 and a free port; returns its address for supertest or a Client. */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
}

export interface MailedTestApp extends TestApp {
  peer: SmtpPeer;
  /** What `address` has received, once the mail started so far has been delivered. */
  mailTo(address: string): Promise<ReceivedMail[]>;
}

/**
 * A test app with an operator (past /setup) whose mail goes over SMTP to a
 * real local peer; close() stops both.
 */
export async function createMailedTestApp(env: Record<string, string> = {}): Promise<MailedTestApp> {
  const peer = await SmtpPeer.start();
  let t: TestApp;
  try {
    t = await createTestApp({ ...env, SMTP_URL: peer.url });
    await createOperator(t);
  } catch (err) {
    await peer.stop();
    throw err;
  }
  return {
    ...t,
    peer,
    async mailTo(address) {
      await t.app.get(MailService).whenIdle();
      return peer.to(address);
    },
    async close() {
      await t.close();
      await peer.stop();
    },
  };
}

/** The operator that setup would have created, so the console is past /setup. */
export function createOperator(t: TestApp): Promise<CreatedPerson> {
  return createPerson(t.app, { role: 'operator' });
}

/** A person of `role` and a client already signed in as them. */
export async function signedIn(
  t: TestApp,
  role: Role,
  spec: Omit<PersonSpec, 'role'> = {},
): Promise<CreatedPerson & { client: Client }> {
  const created = await createPerson(t.app, { ...spec, role });
  const client = new Client(t.server);
  const res = await client.signIn(created.email, created.password);
  if (res.status !== 303) throw new Error(`sign-in as ${role} failed with ${res.status}`);
  return { ...created, client };
}
