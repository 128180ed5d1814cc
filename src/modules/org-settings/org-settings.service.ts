import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import { FORM_LEVEL, RateLimited } from '../../common/errors/app-error';
import { SlidingQuota } from '../../common/http/rate-limit/daily-quota';
import type { AppConfig } from '../../config/app.config';
import { AuditService } from '../../platform/audit/audit.service';
import { MailService } from '../../platform/mail/mail.service';
import { TwoFactorService } from '../auth/two-factor/two-factor.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { PeopleService } from '../people/people.service';
import type { OrganizationSettingsDto } from './dto/organization-settings.dto';
import { timeZoneOptions } from '../../common/view/time-zones';

/** Reminders to set up two-factor: one round a day per organization. */
const REMINDERS_PER_DAY = 1;

/**
 * An organization admin's settings page: the organization's name, how its
 * people sign in (two-factor, password length, idle timeout), and reminding
 * those without two-factor.
 */
@Injectable()
export class OrgSettingsService {
  private readonly reminders = new SlidingQuota(REMINDERS_PER_DAY, 24 * 3600);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly organizations: OrganizationsService,
    private readonly twoFactor: TwoFactorService,
    private readonly people: PeopleService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async page(orgId: string) {
    const org = await this.organizations.get(orgId);
    const twoFactor = await this.twoFactor.organizationSettings(orgId);
    return {
      org: { ...twoFactor, id: org.id },
      values: {
        name: org.name,
        passwordMinLength: org.passwordMinLength ?? '',
        sessionIdleMinutes: org.sessionIdleSeconds !== null ? Math.round(org.sessionIdleSeconds / 60) : '',
      },
      timeZoneOptions: timeZoneOptions(org.timeZone),
      install: this.installLimits(),
    };
  }

  /** What the install allows (the form's hints, and its re-render on a refused value). */
  installLimits() {
    return {
      passwordMinLength: this.config.passwordMinLength,
      sessionIdleMinutes: Math.floor(this.config.sessionIdleSeconds / 60),
      timeZone: this.config.timeZone,
    };
  }

  update(orgId: string, input: OrganizationSettingsDto): Promise<boolean> {
    return this.organizations.updateSettings(orgId, {
      name: input.name,
      passwordMinLength: input.passwordMinLength !== undefined ? Number(input.passwordMinLength) : null,
      sessionIdleSeconds: input.sessionIdleMinutes !== undefined ? Number(input.sessionIdleMinutes) * 60 : null,
      timeZone: input.timeZone ?? null,
    });
  }

  /** Mails every active person of the organization without two-factor a reminder; how many. */
  async remindWithoutTwoFactor(orgId: string): Promise<number> {
    const org = await this.organizations.get(orgId);
    const wait = this.reminders.take(orgId, this.clock.now());
    if (wait !== null) {
      throw new RateLimited(wait, { [FORM_LEVEL]: 'Reminders went out less than a day ago. Try again tomorrow.' });
    }
    try {
      return await this.em.transactional(async () => {
        const people = await this.people.activeWithoutTwoFactor(orgId);
        for (const person of people) {
          await this.mail.enqueue('two-factor-reminder', person.email, {
            name: person.name,
            organizationName: org.name,
            required: org.requireTwoFactor,
          });
        }
        await this.audit.record({
          action: 'organization.two_factor_reminders_sent',
          target: { type: 'organization', id: org.id, label: org.name },
          organizationId: org.id,
          details: { count: people.length },
        });
        return people.length;
      });
    } catch (err) {
      this.reminders.giveBack(orgId);
      throw err;
    }
  }
}
