import type { BrowserContext, Page } from 'playwright-core';
import { createOrganization, createPerson } from '../../seeds/factories';
import {
  browserSuite,
  checkA11y,
  expectHeading,
  signInThroughForm,
  watchConsole,
  type BrowserSuite,
  type ConsoleWatch,
} from '../utils/browser';
import { createOperator } from '../utils/test-app';

// An agent and a member, each in their own browser: the agent goes available,
// the member sees chat open, starts a chat, the agent takes it, and each sees
// the other's messages arrive without reloading (Server-Sent Events), under
// the strict Content-Security-Policy. The member ends the chat: a ticket holds it.
describe('live chat between two browsers', () => {
  let suite: BrowserSuite;
  let agentContext: BrowserContext;
  let agentPage: Page;
  let agentConsole: ConsoleWatch;
  browserSuite({}, (s) => (suite = s));

  beforeAll(async () => {
    await createOperator(suite.t);
    agentContext = await suite.browser.newContext();
  });
  afterAll(async () => {
    await agentContext?.close();
  });

  /** A mark on the page's window: still there means the page was not reloaded. */
  const mark = (page: Page) => page.evaluate(() => ((window as unknown as { chatMark: number }).chatMark = 42));
  const marked = (page: Page) => page.evaluate(() => (window as unknown as { chatMark?: number }).chatMark === 42);

  it('connects an agent and a member, live both ways, and keeps the chat as a ticket', async () => {
    const { t, baseUrl, page } = suite;
    const org = await createOrganization(t.app, 'Harbor Dental');
    const member = await createPerson(t.app, { organization: org, name: 'Mia Member' });
    const agent = await createPerson(t.app, { role: 'helpdesk', organization: null, name: 'Hank Helpdesk' });

    // The agent opens the console and goes available.
    agentPage = await agentContext.newPage();
    agentConsole = watchConsole(agentPage);
    await signInThroughForm(agentPage, baseUrl, agent.email, agent.password);
    await agentPage.goto(`${baseUrl}/plugins/live-chat/console`);
    await expectHeading(agentPage, 'Live chat console');
    await Promise.all([
      agentPage.waitForURL(/\/console$/),
      agentPage.getByRole('button', { name: 'Available for chat' }).click(),
    ]);
    await agentPage.locator('[data-state="available"]').waitFor();
    await checkA11y(agentPage, 'live chat console');

    // The member sees chat open on the dashboard card and starts a chat.
    await signInThroughForm(page, baseUrl, member.email, member.password);
    const card = page.locator('#widget-live-chat-status');
    await expect(card.locator('[data-live-chat]').textContent()).resolves.toContain('1 agent is available.');
    await Promise.all([
      page.waitForURL(/\/plugins\/live-chat$/),
      card.getByRole('link', { name: 'Start a chat' }).click(),
    ]);
    await checkA11y(page, 'live chat open');
    await page.getByLabel('What is it about?').fill('Printer licence');
    await page.getByLabel('Your question').fill('Can I move a seat to a new laptop?');
    await Promise.all([
      page.waitForURL(/\/plugins\/live-chat\/chats\/[0-9a-f-]{36}$/),
      page.getByRole('button', { name: 'Start a chat' }).click(),
    ]);
    await expectHeading(page, 'Printer licence');
    await expect(page.locator('[data-chat-status] .badge').textContent()).resolves.toBe('Waiting for an agent');
    await checkA11y(page, 'chat waiting');

    // The console shows the new chat by itself (its event stream), and the agent takes it.
    const row = agentPage.locator('[data-queue] tr', { hasText: 'Printer licence' });
    await row.waitFor({ timeout: 10_000 });
    await Promise.all([
      agentPage.waitForURL(/\/plugins\/live-chat\/chats\/[0-9a-f-]{36}$/),
      row.getByRole('button', { name: 'Take' }).click(),
    ]);
    await expectHeading(agentPage, 'Printer licence');

    // The member's page learns the chat was taken.
    await page.locator('[data-chat-status] [data-state="active"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-chat-messages] li').first().waitFor();
    await mark(page);
    await mark(agentPage);

    // The agent writes: the member sees it appear without a reload.
    await agentPage.getByLabel('Your message').fill('Yes: remove it from the old one first.');
    await agentPage.getByRole('button', { name: 'Send' }).click();
    await page
      .locator('[data-chat-messages] li', { hasText: 'Yes: remove it from the old one first.' })
      .waitFor({ timeout: 10_000 });
    await expect(marked(page)).resolves.toBe(true);
    await expect(agentPage.getByLabel('Your message').inputValue()).resolves.toBe('');

    // The member answers (text, never markup): the agent sees it appear without a reload.
    await page.getByLabel('Your message').fill('Thanks! <b>Done</b>.');
    await page.getByRole('button', { name: 'Send' }).click();
    const reply = agentPage.locator('[data-chat-messages] li', { hasText: 'Thanks! <b>Done</b>.' });
    await reply.waitFor({ timeout: 10_000 });
    await expect(reply.locator('b').count()).resolves.toBe(0);
    await expect(marked(agentPage)).resolves.toBe(true);
    // Each message once on each side.
    await expect(page.locator('[data-chat-messages] li').count()).resolves.toBe(3);
    await expect(agentPage.locator('[data-chat-messages] li').count()).resolves.toBe(3);
    await checkA11y(page, 'chat in progress');

    // The member ends the chat: the transcript is a ticket they can open.
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'End chat' }).click()]);
    await page.locator('[data-chat-status] [data-state="ended"]').waitFor();
    await Promise.all([page.waitForURL(/\/support\/[0-9a-f-]{36}$/), page.locator('[data-chat-ticket] a').click()]);
    await expectHeading(page, 'Chat: Printer licence');
    await expect(page.locator('[data-message]').count()).resolves.toBe(3);
    // The agent's page shows the end by itself, with the helpdesk's link to the ticket.
    await agentPage.locator('[data-chat-ticket] a[href^="/admin/support/"]').waitFor({ timeout: 10_000 });

    agentConsole.assertNoCspErrors();
    await agentPage.close();
  });
});
