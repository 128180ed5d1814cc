import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VIEWS_DIR } from '../../config/paths';
import { MailRenderer } from './mail-renderer';

const BASE = 'https://seatdesk.example.com/console';
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

describe('MailRenderer', () => {
  let dir: string;
  let renderer: MailRenderer;

  beforeAll(() => {
    // The real layouts and partials, plus fixture templates beside them.
    dir = mkdtempSync(join(tmpdir(), 'seatdesk-mail-templates-'));
    cpSync(join(VIEWS_DIR, 'mail'), dir, { recursive: true });
    writeFileSync(
      join(dir, 'greeting.text.hbs'),
      '{{!-- subject: Hello {{name}}, welcome to {{productName}} --}}\nHi {{name}},\n\nReset: {{url "/reset-password" token=token}}\n',
    );
    writeFileSync(
      join(dir, 'greeting.html.hbs'),
      '<p>Hi {{name}},</p>\n{{> button href=(url "/reset-password" token=token) label="Choose a new password"}}\n',
    );
    writeFileSync(join(dir, 'relative.text.hbs'), '{{!-- subject: Relative --}}\nSee /account\n');
    writeFileSync(join(dir, 'relative.html.hbs'), '<a href="/account">Account</a>\n');
    writeFileSync(join(dir, 'html-only-link.text.hbs'), '{{!-- subject: Missing --}}\nNo link here.\n');
    writeFileSync(join(dir, 'html-only-link.html.hbs'), '<a href="{{url "/account"}}">Account</a>\n');
    renderer = new MailRenderer(dir, BASE);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every template that has both parts', () => {
    expect(renderer.names()).toEqual(expect.arrayContaining(['greeting', 'test-message']));
    expect(renderer.has('layout')).toBe(false);
  });

  it('makes every link absolute from BASE_URL, in both parts', () => {
    const mail = renderer.render('greeting', { name: 'Ada', token: 'abc 123&x=1' });
    const expected = `${BASE}/reset-password?token=abc+123%26x%3D1`;
    expect(hrefs(mail.html)).toEqual([expected, `${BASE}/`]);
    expect(mail.text).toContain(`Reset: ${expected}`);
    expect(mail.text).toContain(`sent by SeatDesk at ${BASE}/`);
    for (const link of hrefs(mail.html)) expect(link.startsWith(`${BASE}/`)).toBe(true);
  });

  it('takes the subject from the template header, with the data', () => {
    expect(renderer.render('greeting', { name: 'Ada', token: 't' }).subject).toBe('Hello Ada, welcome to SeatDesk');
    expect(renderer.render('test-message').subject).toBe('Test message from SeatDesk');
  });

  it('keeps header injection out of the subject', () => {
    const mail = renderer.render('greeting', { name: 'Ada\r\nBcc: victim@example.com', token: 't' });
    expect(mail.subject).toBe('Hello Ada Bcc: victim@example.com, welcome to SeatDesk');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('escapes data in the HTML part and leaves the text part as written', () => {
    const name = '<script>alert("x")</script> & Co';
    const mail = renderer.render('greeting', { name, token: 't' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co');
    expect(mail.text).toContain(`Hi ${name},`);
  });

  it('shows the anti-phishing phrase near the top of both parts when there is one', () => {
    const mail = renderer.render('test-message', { antiPhishingPhrase: 'purple <otter>' });
    const htmlPhrase = mail.html.indexOf('Your security phrase: <strong>purple &lt;otter&gt;</strong>');
    expect(htmlPhrase).toBeGreaterThan(-1);
    expect(htmlPhrase).toBeLessThan(mail.html.indexOf('This is a test message'));
    expect(mail.text.startsWith('Your security phrase: purple <otter>\n')).toBe(true);
  });

  it('leaves the phrase slot out when there is none', () => {
    for (const phrase of [undefined, null, '', '   ']) {
      const mail = renderer.render('test-message', { antiPhishingPhrase: phrase });
      expect(mail.html).not.toContain('security phrase');
      expect(mail.text).not.toContain('security phrase');
      expect(mail.text.startsWith('Hello,\n')).toBe(true);
    }
  });

  it('refuses a relative link and a link the text part does not carry', () => {
    expect(() => renderer.render('relative')).toThrow('link "/account" is not absolute');
    expect(() => renderer.render('html-only-link')).toThrow(`the text part lacks the link ${BASE}/account`);
  });

  it('refuses an unknown template and a url() that is not a path', () => {
    expect(() => renderer.render('nope')).toThrow('Unknown mail template "nope"');
    expect(() => renderer.url('https://evil.example/')).toThrow();
    expect(() => renderer.url('//evil.example/')).toThrow();
  });

  it('refuses at start-up a template without a subject header or without its HTML part', () => {
    const broken = mkdtempSync(join(tmpdir(), 'seatdesk-mail-broken-'));
    try {
      cpSync(join(VIEWS_DIR, 'mail'), broken, { recursive: true });
      writeFileSync(join(broken, 'nosubject.text.hbs'), 'Hello\n');
      writeFileSync(join(broken, 'nosubject.html.hbs'), '<p>Hello</p>\n');
      expect(() => new MailRenderer(broken, BASE)).toThrow('nosubject.text.hbs must start with {{!-- subject: … --}}');
      rmSync(join(broken, 'nosubject.html.hbs'));
      expect(() => new MailRenderer(broken, BASE)).toThrow('has nosubject.text.hbs but no nosubject.html.hbs');
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
