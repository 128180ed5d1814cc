import type { EntityManager } from '@mikro-orm/better-sqlite';
import { JwtService } from '@nestjs/jwt';
import { FixedClock } from '../../../common/clock';
import { deriveSecretKey } from '../../../common/security/keys';
import type { AppConfig } from '../../../config/app.config';
import type { OrganizationsService } from '../../organizations/organizations.service';
import type { PeopleService } from '../../people/people.service';
import type { SessionRow, SessionsRepository } from './sessions.repository';
import { SessionsService, touchEveryMs } from './sessions.service';

describe('SessionsService.resolve', () => {
  const start = Date.parse('2026-11-26T10:00:00Z');
  const config = { sessionMaxSeconds: 3600, sessionIdleSeconds: 1800 } as AppConfig;
  const jwtFor = (secret: string) =>
    new JwtService({
      secret: deriveSecretKey(secret, 'session-jwt') as unknown as string,
      signOptions: { algorithm: 'HS256', noTimestamp: true },
      verifyOptions: { algorithms: ['HS256'] },
    });
  const jwt = jwtFor('the-app-secret-of-this-test-0123456789');
  let clock: FixedClock;
  let repo: jest.Mocked<Pick<SessionsRepository, 'find' | 'touch' | 'end'>>;
  let service: SessionsService;

  const row = (): SessionRow => ({
    id: 's1',
    lastSeenAt: +clock.now(),
    expiresAt: start + 3600_000,
    endedAt: null,
    stage: 'active',
    confirmedAt: null,
    personId: 'p1',
  });
  const people = {
    principal: jest.fn(async () => ({
      id: 'p1',
      name: 'Ann',
      email: 'ann@example.test',
      role: 'member' as const,
      status: 'active',
      organizationId: null,
    })),
  };
  const organizations = {
    signInRules: jest.fn(async (_id: string | null) => ({
      requiresTwoFactor: false,
      suspended: false,
      name: null,
      sessionIdleSeconds: null,
      timeZone: null,
    })),
  };
  const token = (signer = jwt, exp = Math.floor(start / 1000) + 3600) =>
    signer.signAsync({ sid: 's1', iat: Math.floor(start / 1000), exp });

  beforeEach(() => {
    clock = new FixedClock(start);
    repo = {
      find: jest.fn(async (_id: string): Promise<SessionRow | undefined> => row()),
      touch: jest.fn(),
      end: jest.fn(async (_id: string, _now: Date, _reason: string) => 1),
    };
    service = new SessionsService(
      config,
      {} as EntityManager,
      repo as unknown as SessionsRepository,
      jwt,
      clock,
      people as unknown as PeopleService,
      organizations as unknown as OrganizationsService,
    );
  });

  it('resolves the same cookie again and again, checking its signature once', async () => {
    const verify = jest.spyOn(jwt, 'verifyAsync');
    const cookie = await token();
    for (let i = 0; i < 3; i++) expect((await service.resolve(cookie))?.personId).toBe('p1');
    expect(verify).toHaveBeenCalledTimes(1);
    expect(repo.find).toHaveBeenCalledTimes(3);
    verify.mockRestore();
  });

  it('refuses, and ends, the session of a person whose organization is suspended', async () => {
    organizations.signInRules.mockResolvedValueOnce({
      requiresTwoFactor: false,
      suspended: true,
      name: null,
      sessionIdleSeconds: null,
      timeZone: null,
    });
    expect(await service.resolve(await token())).toBeNull();
    expect(repo.end).toHaveBeenCalledWith('s1', clock.now(), 'organization-suspended');
  });

  it('refuses a remembered token once it has expired', async () => {
    const cookie = await token(jwt, Math.floor(start / 1000) + 120);
    expect(await service.resolve(cookie)).not.toBeNull();
    clock.advance(120);
    expect(await service.resolve(cookie)).toBeNull();
  });

  it('refuses a token signed with another key, or altered', async () => {
    expect(await service.resolve(await token(jwtFor('another-secret-entirely-0123456789abc')))).toBeNull();
    const cookie = await token();
    expect(await service.resolve(`${cookie.slice(0, -2)}xx`)).toBeNull();
    expect(await service.resolve(cookie)).not.toBeNull();
  });
});

describe('touchEveryMs', () => {
  it('records activity four times per idle timeout, at most once a minute', () => {
    expect(touchEveryMs(60)).toBe(15_000);
    expect(touchEveryMs(200)).toBe(50_000);
    expect(touchEveryMs(1800)).toBe(60_000);
  });
});
