import { FixedClock } from '../../common/clock';
import { Forbidden, Gone } from '../../common/errors/app-error';
import type { AppConfig } from '../../config/app.config';
import { DownloadLinks, LINK_SECONDS } from './download-links';

const RELEASE = '0b6f5c1e-8a4b-4f0e-9a55-1c2d3e4f5a6b';
const OTHER_RELEASE = '7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6';
const ORG = 'org-a';

describe('DownloadLinks', () => {
  const clock = new FixedClock(Date.parse('2026-12-05T10:00:00Z'));
  const links = new DownloadLinks({ appSecret: 'x'.repeat(40) } as AppConfig, clock);
  const parts = (link: string) => {
    const url = new URL(link, 'http://host');
    return { expires: url.searchParams.get('expires')!, sig: url.searchParams.get('sig')! };
  };

  it('accepts its own link for the release and organization, until the hour is over', () => {
    const { expires, sig } = parts(links.linkTo(RELEASE, ORG));
    expect(Number(expires)).toBe(+clock.now() + LINK_SECONDS * 1000);
    expect(() => links.check(RELEASE, ORG, expires, sig)).not.toThrow();
    clock.advance(LINK_SECONDS - 1);
    expect(() => links.check(RELEASE, ORG, expires, sig)).not.toThrow();
    clock.advance(1);
    expect(() => links.check(RELEASE, ORG, expires, sig)).toThrow(Gone);
  });

  it('refuses a changed release, expiry, signature or organization', () => {
    const { expires, sig } = parts(links.linkTo(RELEASE, ORG));
    expect(() => links.check(OTHER_RELEASE, ORG, expires, sig)).toThrow(Forbidden);
    expect(() => links.check(RELEASE, 'org-b', expires, sig)).toThrow(Forbidden);
    expect(() => links.check(RELEASE, ORG, String(Number(expires) + 1), sig)).toThrow(Forbidden);
    expect(() => links.check(RELEASE, ORG, expires, `${sig.slice(0, -2)}AA`)).toThrow(Forbidden);
    expect(() => links.check(RELEASE, ORG, expires, sig.slice(1))).toThrow(Forbidden);
    expect(() => links.check(RELEASE, ORG, undefined, sig)).toThrow(Forbidden);
    expect(() => links.check(RELEASE, ORG, [expires], sig)).toThrow(Forbidden);
    expect(() => links.check(RELEASE, ORG, '1e20', sig)).toThrow(Forbidden);
  });

  it('signs with a key of its own: another install secret makes other links', () => {
    const other = new DownloadLinks({ appSecret: 'y'.repeat(40) } as AppConfig, clock);
    const { expires, sig } = parts(other.linkTo(RELEASE, ORG));
    expect(() => links.check(RELEASE, ORG, expires, sig)).toThrow(Forbidden);
  });
});
