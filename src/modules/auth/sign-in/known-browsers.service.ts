import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { Clock } from '../../../common/clock';
import { cookieName, cookieOptions } from '../../../common/http/cookies';
import { describeUserAgent } from '../../../common/user-agent';
import type { AppConfig } from '../../../config/app.config';
import { APP_CONFIG } from '../../../common/config.module';
import { MailService } from '../../../platform/mail/mail.service';
import { KnownBrowsersRepository } from './known-browsers.repository';

export const BROWSER_COOKIE = 'sd_browser';

// Chrome caps cookie lifetimes at 400 days; every sign-in renews it.
const BROWSER_COOKIE_MAX_AGE_MS = 400 * 86_400_000;
const RAW_ID = /^[\w-]{43}$/;

const digest = (raw: string) => createHash('sha256').update(raw).digest('hex');

/**
 * New-browser detection: each browser carries a long-lived random cookie
 * whose SHA-256 is remembered per person at every completed sign-in. A
 * sign-in from a browser the person has not used before is mailed to them,
 * except their very first sign-in (there is nothing to compare it with).
 */
@Injectable()
export class KnownBrowsersService {
  private readonly cookie: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly browsers: KnownBrowsersRepository,
    private readonly mail: MailService,
    private readonly clock: Clock,
  ) {
    this.cookie = cookieName(BROWSER_COOKIE, config.secure);
  }

  /**
   * The id of the browser signing in, as stored (hashed): its cookie's, or a
   * new one. Sets (renews) the cookie on the sign-in response.
   */
  identify(req: Request, res: Response): string {
    const sent = (req.cookies as Record<string, unknown> | undefined)?.[this.cookie];
    const raw = typeof sent === 'string' && RAW_ID.test(sent) ? sent : randomBytes(32).toString('base64url');
    res.cookie(this.cookie, raw, cookieOptions(this.config.secure, { maxAge: BROWSER_COOKIE_MAX_AGE_MS }));
    return digest(raw);
  }

  /**
   * Inside the sign-in transaction: remembers the session's browser for the
   * person and queues the `new-sign-in` alert when it is new to them. True
   * when the sign-in came from a new browser (and the alert was queued).
   */
  async recordSignIn(person: { personId: string; email: string }, sessionId: string): Promise<boolean> {
    const client = await this.browsers.sessionClient(sessionId);
    if (!client?.browserId) return false;
    const now = this.clock.now();
    const added = await this.browsers.add(person.personId, client.browserId, +now, client.userAgent);
    if (!added || !(await this.browsers.knowsAnother(person.personId, client.browserId))) return false;
    await this.mail.enqueue('new-sign-in', person.email, {
      at: now,
      ipAddress: client.ipAddress,
      browser: describeUserAgent(client.userAgent),
    });
    return true;
  }
}
