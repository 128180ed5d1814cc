import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { FixedClock } from '../../../common/clock';
import type { AppConfig } from '../../../config/app.config';
import type { MailService } from '../../../platform/mail/mail.service';
import type { KnownBrowsersRepository } from './known-browsers.repository';
import { KnownBrowsersService } from './known-browsers.service';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const RAW = 'A'.repeat(43);

describe('KnownBrowsersService', () => {
  let repo: jest.Mocked<Pick<KnownBrowsersRepository, 'sessionClient' | 'add' | 'knowsAnother'>>;
  let mail: jest.Mocked<Pick<MailService, 'enqueue'>>;
  const person = { personId: 'p1', email: 'ada@example.test' };
  const make = (secure = false) =>
    new KnownBrowsersService(
      { secure } as AppConfig,
      repo as unknown as KnownBrowsersRepository,
      mail as unknown as MailService,
      new FixedClock(Date.parse('2026-11-26T10:00:00Z')),
    );

  beforeEach(() => {
    repo = {
      sessionClient: jest.fn().mockResolvedValue({
        browserId: 'b1',
        ipAddress: '203.0.113.9',
        userAgent: 'Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      }),
      add: jest.fn().mockResolvedValue(true),
      knowsAnother: jest.fn().mockResolvedValue(true),
    };
    mail = { enqueue: jest.fn().mockResolvedValue(1) };
  });

  describe('identify', () => {
    const call = (cookies: Record<string, string>, secure = false) => {
      const res = { cookie: jest.fn() };
      const id = make(secure).identify({ cookies } as unknown as Request, res as unknown as Response);
      return { id, res };
    };

    it('keeps a well-formed cookie, renews it, and answers its SHA-256', () => {
      const { id, res } = call({ sd_browser: RAW });
      expect(id).toBe(sha256(RAW));
      expect(res.cookie).toHaveBeenCalledWith(
        'sd_browser',
        RAW,
        expect.objectContaining({ httpOnly: true, sameSite: 'lax', secure: false, maxAge: 400 * 86_400_000 }),
      );
    });

    it('gives a browser without a usable cookie a new random id', () => {
      const a = call({});
      const b = call({ sd_browser: 'short' });
      const [, rawA] = a.res.cookie.mock.calls[0] as [string, string];
      const [, rawB] = b.res.cookie.mock.calls[0] as [string, string];
      expect(rawA).toMatch(/^[\w-]{43}$/);
      expect(rawB).not.toBe('short');
      expect(rawA).not.toBe(rawB);
      expect(a.id).toBe(sha256(rawA));
    });

    it('uses the Secure __Host- cookie on https installs', () => {
      const { id, res } = call({ '__Host-sd_browser': RAW }, true);
      expect(id).toBe(sha256(RAW));
      expect(res.cookie).toHaveBeenCalledWith('__Host-sd_browser', RAW, expect.objectContaining({ secure: true }));
    });
  });

  describe('recordSignIn', () => {
    it('alerts the person about a browser new to them', async () => {
      await expect(make().recordSignIn(person, 's1')).resolves.toBe(true);
      expect(repo.add).toHaveBeenCalledWith('p1', 'b1', Date.parse('2026-11-26T10:00:00Z'), expect.any(String));
      expect(mail.enqueue).toHaveBeenCalledWith('new-sign-in', 'ada@example.test', {
        at: new Date('2026-11-26T10:00:00Z'),
        ipAddress: '203.0.113.9',
        browser: 'Chrome on Windows',
      });
    });

    it('stays quiet for a known browser, the first browser ever, and a session without a browser id', async () => {
      repo.add.mockResolvedValueOnce(false);
      await expect(make().recordSignIn(person, 's1')).resolves.toBe(false);
      repo.knowsAnother.mockResolvedValueOnce(false);
      await expect(make().recordSignIn(person, 's1')).resolves.toBe(false);
      repo.sessionClient.mockResolvedValueOnce({ browserId: null, ipAddress: null, userAgent: null });
      await expect(make().recordSignIn(person, 's1')).resolves.toBe(false);
      expect(mail.enqueue).not.toHaveBeenCalled();
    });
  });
});
