import { Inject, Injectable } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import { Forbidden, Gone } from '../../common/errors/app-error';
import { deriveKeyBytes } from '../../common/security/keys';
import type { AppConfig } from '../../config/app.config';

/** How long a download link works. */
export const LINK_SECONDS = 60 * 60;

export const LINK_ALTERED =
  'This download link is not valid: it was changed, or it was made for another organization. Open Downloads and use the link there.';
export const LINK_EXPIRED = 'This download link has expired: links work for one hour. Open Downloads for a fresh one.';

/**
 * Signed download links: `/downloads/file/:releaseId?expires=<ms>&sig=<hmac>`,
 * the HMAC-SHA256 (a key of its own, derived from APP_SECRET) over the
 * release, the expiry and the organization the link was made for. A changed
 * release id, expiry or signature, or a link made for another organization,
 * is refused (403); an unchanged link past its hour is gone (410).
 */
@Injectable()
export class DownloadLinks {
  private readonly key: Buffer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = deriveKeyBytes(config.appSecret, 'download-links');
  }

  /** The link to a release for one organization, working for LINK_SECONDS from now. */
  linkTo(releaseId: string, organizationId: string): string {
    const expires = +this.clock.now() + LINK_SECONDS * 1000;
    const sig = this.sign(releaseId, expires, organizationId);
    return `/downloads/file/${releaseId}?expires=${expires}&sig=${sig}`;
  }

  /** Throws unless the link was made by this install for this release and organization, and still works. */
  check(releaseId: string, organizationId: string, expires: unknown, sig: unknown): void {
    if (typeof expires !== 'string' || !/^\d{1,16}$/.test(expires) || typeof sig !== 'string') {
      throw new Forbidden(LINK_ALTERED);
    }
    const expected = Buffer.from(this.sign(releaseId, Number(expires), organizationId), 'utf8');
    const given = Buffer.from(sig, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Forbidden(LINK_ALTERED);
    if (Number(expires) <= +this.clock.now()) throw new Gone(LINK_EXPIRED);
  }

  private sign(releaseId: string, expires: number, organizationId: string): string {
    return createHmac('sha256', this.key).update(`${releaseId}\n${expires}\n${organizationId}`).digest('base64url');
  }
}
