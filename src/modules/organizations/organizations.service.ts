import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { FormError } from '../../common/http/exceptions';
import { toPage, type Page, type PageRequest } from '../../common/pagination';
import { AppEvents } from '../../platform/events/app-events.service';
import { AuditService } from '../../platform/audit/audit.service';
import { Organization } from './organization.entity';
import { OrganizationsRepository, type OrganizationRow } from './organizations.repository';

const NAME_TAKEN = 'An organization with this name already exists.';

function cleanName(name: string): string {
  const clean = (name ?? '').trim().replace(/\s+/g, ' ');
  if (clean === '' || [...clean].length > 120) throw new FormError({ name: 'Enter a name of 1 to 120 characters.' });
  return clean;
}

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly em: EntityManager,
    private readonly orgs: OrganizationsRepository,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
  ) {}

  async list(request: PageRequest, search?: string): Promise<Page<OrganizationRow>> {
    const term = search?.trim().slice(0, 120) || undefined;
    return toPage(await this.orgs.list(request, term), request, (row) => [row.name, row.id]);
  }

  async get(id: string): Promise<Organization> {
    const org = await this.orgs.findById(id);
    if (!org) throw new NotFoundException('Organization not found.');
    return org;
  }

  findByName(name: string): Promise<Organization | null> {
    return this.orgs.findByName(name);
  }

  /** Joins the caller's transaction when there is one (setup). */
  async create(name: string): Promise<Organization> {
    const clean = cleanName(name);
    return this.em.transactional(async (em) => {
      if (await this.orgs.nameTaken(clean)) throw new FormError({ name: NAME_TAKEN });
      const org = new Organization(clean);
      org.createdAt = org.updatedAt = this.clock.now();
      this.orgs.add(org);
      await em.flush();
      await this.audit.record({
        action: 'organization.created',
        target: { type: 'organization', id: org.id, label: org.name },
        organizationId: org.id,
      });
      this.events.emit('organization.created', { organizationId: org.id, name: org.name });
      return org;
    });
  }

  async rename(id: string, name: string): Promise<Organization> {
    const clean = cleanName(name);
    return this.em.transactional(async (em) => {
      const org = await this.get(id);
      if (await this.orgs.nameTaken(clean, id)) throw new FormError({ name: NAME_TAKEN });
      const previousName = org.name;
      if (previousName === clean) return org;
      org.rename(clean);
      await em.flush();
      await this.audit.record({
        action: 'organization.renamed',
        target: { type: 'organization', id: org.id, label: clean },
        organizationId: org.id,
        details: { previousName },
      });
      this.events.emit('organization.renamed', { organizationId: org.id, name: clean, previousName });
      return org;
    });
  }
}
