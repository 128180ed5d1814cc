import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../../src/app.module';
import { AfterCommit } from '../../src/platform/database/after-commit';
import { JobRegistry } from '../../src/platform/jobs/job-registry';
import { PLUGINS_DIR } from '../../src/config/paths';
import { PluginLoadError } from '../../src/platform/plugin-host/plugin-loader';
import { HelloTasks } from '../fixtures/plugins/hello';
import { currentNavHref, one, textOf, textsOf, visibleText } from '../utils/html';
import { Client } from '../utils/http';
import { createTestApp, signedIn, testConfig, type TestApp } from '../utils/test-app';

const FIXTURES = join(__dirname, '..', 'fixtures', 'plugins');

/** createTestApp, with the loader pointed at the fixture plugins. */
const fixtureApp = (env: Record<string, string>): Promise<TestApp> => createTestApp(env, { pluginsDir: FIXTURES });

/** What building the app with these plugins throws (the graph is never built). */
function loadError(plugins: string, pluginsDir: string | undefined = FIXTURES): Error | undefined {
  const config = testConfig({ PLUGINS: plugins });
  try {
    AppModule.forRoot(config, { pluginsDir });
    return undefined;
  } catch (err) {
    return err as Error;
  } finally {
    rmSync(config.dataDir, { recursive: true, force: true });
  }
}

/** The card of one plugin on /admin/plugins: its status badge, version, code names and text. */
function card(html: string, id: string) {
  const section = one(html, `section.app-plugin#plugin-${id}`);
  return {
    status: textOf(section, '.app-plugin-status'),
    version: textOf(section, '.app-plugin-version'),
    codes: textsOf(section, 'code'),
    text: visibleText(section),
  };
}

const navLabels = (html: string) => textsOf(html, 'a.nav-link > span');

describe('plugin loader', () => {
  it.each([
    ['wrong-id', /^Plugin "wrong-id": declares id "right-id"; a plugin's id must equal its folder name$/],
    ['old-api', /^Plugin "old-api": was written for plugin API version 0, this SeatDesk provides version 1$/],
    ['no-default', /^Plugin "no-default": index must `export default definePlugin\(\{ \.\.\. \}\)`$/],
    [
      'bad-route',
      /^Plugin "bad-route": controller SneakyController is mounted at "\/admin\/sneaky"; plugin routes must start with \/plugins\/bad-route$/,
    ],
    [
      'open-route',
      /^Plugin "open-route": route GET \/plugins\/open-route\/leak names no roles: add @Roles\(\.\.\.\) or @Public\(\)$/,
    ],
    ['nope', /^Plugin "nope": is named in PLUGINS but there is no folder .*nope$/],
    [
      'no-index',
      /^Plugin "no-index": has no index file in test\/fixtures\/plugins\/no-index \(build it, or remove the folder\)$/,
    ],
  ])('refuses to build the app with %s, naming it in one line', (id, message) => {
    const err = loadError(id);
    expect(err).toBeInstanceOf(PluginLoadError);
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain('\n');
  });

  it('refuses an unknown id in PLUGINS against the real plugins folder too', () => {
    expect(loadError('webhooks,nope', PLUGINS_DIR)?.message).toMatch(/^Plugin "nope": is named in PLUGINS/);
  });

  it('refuses an entity whose table is not plg_<id>_<name> when the app starts', async () => {
    await expect(fixtureApp({ PLUGINS: 'bad-table' })).rejects.toThrow(
      'Plugin "bad-table": entity BadTableThing uses table "things"; plugin tables are named plg_bad_table_<name>',
    );
  });

  it('loads nothing in safe mode, even a broken plugin', () => {
    expect(loadError('none')).toBeUndefined();
  });
});

describe('plugins enabled (the default: every folder of plugins/)', () => {
  let t: TestApp;
  let operator: Client;
  beforeAll(async () => {
    t = await createTestApp();
    operator = (await signedIn(t, 'operator')).client;
  });
  afterAll(() => t.close());

  it('mounts the webhooks plugin under /plugins/webhooks and adds it to the navigation', async () => {
    const res = await operator.get('/plugins/webhooks');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>Webhooks · SeatDesk</title>');
    expect(navLabels(res.text)).toEqual(expect.arrayContaining(['Dashboard', 'Plugins', 'Webhooks']));
    expect(currentNavHref(res.text)).toBe('/plugins/webhooks');
  });

  it('lists each plugin on /admin/plugins with its version and what it contributes', async () => {
    const res = await operator.get('/admin/plugins');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Safe mode');
    const webhooks = card(res.text, 'webhooks');
    expect(webhooks.status).toBe('Enabled');
    expect(webhooks.version).toBe('1.0.0');
    for (const route of [
      'GET /plugins/webhooks',
      'GET /plugins/webhooks/new',
      'POST /plugins/webhooks',
      'GET /plugins/webhooks/:id',
      'POST /plugins/webhooks/:id/delete',
      'POST /plugins/webhooks/:id/deliveries/:deliveryId/redeliver',
    ]) {
      expect(webhooks.codes).toContain(route);
    }
    for (const name of [
      'webhooks.deliver',
      'organization.created',
      'mail.failed',
      'plg_webhooks_deliveries',
      'plg_webhooks_0001_init',
    ]) {
      expect(webhooks.codes).toContain(name);
    }
    expect(webhooks.text).toContain('WebhookEndpoint (plg_webhooks_endpoints)');
  });

  it('lists the live chat plugin beside it, with its routes, job, migration and dashboard card', async () => {
    const liveChat = card((await operator.get('/admin/plugins')).text, 'live-chat');
    expect(liveChat.status).toBe('Enabled');
    expect(liveChat.version).toBe('1.0.0');
    for (const code of [
      'GET /plugins/live-chat',
      'POST /plugins/live-chat/chats',
      'GET /plugins/live-chat/chats/:id/events',
      'GET /plugins/live-chat/console',
      'live-chat.expire',
      'plg_live_chat_0001_init',
    ]) {
      expect(liveChat.codes).toContain(code);
    }
    expect(liveChat.text).toContain('Live chat');
  });

  it('is for operators only', async () => {
    for (const role of ['helpdesk', 'admin', 'member'] as const) {
      const { client } = await signedIn(t, role);
      expect((await client.get('/admin/plugins')).status).toBe(403);
      expect((await client.get('/plugins/webhooks')).status).toBe(403);
      const dashboard = await client.get('/dashboard');
      expect(navLabels(dashboard.text)).not.toContain('Plugins');
      expect(navLabels(dashboard.text)).not.toContain('Webhooks');
    }
    const anonymous = await new Client(t.server).get('/admin/plugins');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
  });
});

describe('safe mode (PLUGINS=none)', () => {
  let t: TestApp;
  let operator: Client;
  beforeAll(async () => {
    t = await createTestApp({ PLUGINS: 'none' });
    operator = (await signedIn(t, 'operator')).client;
  });
  afterAll(() => t.close());

  it('mounts no plugin route and no plugin navigation', async () => {
    expect((await operator.get('/plugins/webhooks')).status).toBe(404);
    expect((await operator.get('/plugins/webhooks/new')).status).toBe(404);
    const dashboard = await operator.get('/dashboard');
    expect(navLabels(dashboard.text)).toContain('Plugins');
    expect(navLabels(dashboard.text)).not.toContain('Webhooks');
  });

  it('lists the plugins as disabled on /admin/plugins', async () => {
    const res = await operator.get('/admin/plugins');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Safe mode');
    const webhooks = card(res.text, 'webhooks');
    expect(webhooks.status).toBe('Disabled');
    expect(webhooks.text).not.toContain('Enabled');
    expect(webhooks.text).toContain('Not loaded (safe mode)');
  });
});

describe('a plugin from another folder (fixtures)', () => {
  let t: TestApp;
  let operator: Client;
  beforeAll(async () => {
    t = await fixtureApp({ PLUGINS: 'hello' });
    operator = (await signedIn(t, 'operator')).client;
  });
  afterAll(() => t.close());

  it('renders its namespaced views and partials inside the layout', async () => {
    const res = await operator.get('/plugins/hello');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>Hello · SeatDesk</title>');
    expect(textOf(res.text, 'p#hello-greeting')).toBe('Hello, plugin author, from a namespaced partial.');
    expect(navLabels(res.text)).toContain('Hello');
  });

  it('lists enabled and disabled plugins with routes, jobs and listeners', async () => {
    const res = await operator.get('/admin/plugins');
    const hello = card(res.text, 'hello');
    expect(hello.status).toBe('Enabled');
    expect(hello.version).toBe('0.1.0');
    expect(hello.codes).toEqual(expect.arrayContaining(['GET /plugins/hello', 'hello.wave', 'user.created']));
    expect(hello.text).toContain('Hello card');
    // The broken fixtures sit beside it, disabled: their code never ran.
    for (const id of ['bad-route', 'bad-table', 'no-default', 'no-index', 'old-api', 'wrong-id']) {
      const other = card(res.text, id);
      expect(other.status).toBe('Disabled');
      expect(other.text).toContain('not listed in PLUGINS');
    }
    // The real plugins folder was not used.
    expect(res.text).not.toContain('id="plugin-webhooks"');
  });

  it('runs its jobs through the job runner and its listeners on domain events', async () => {
    const run = await t.app.get(JobRegistry).get('hello.wave').invoke('manual');
    expect(run).toMatchObject({ outcome: 'succeeded', counts: { waved: 1 } });

    const { email } = await signedIn(t, 'member');
    // The event's listeners run after the commit: wait for them, then look.
    await t.app.get(AfterCommit).whenIdle();
    expect(t.app.get(HelloTasks).greeted).toContain(email);
  });
});
