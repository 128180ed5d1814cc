import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { InputRefused, NotFound } from '../../common/errors/app-error';
import { AuditService } from '../../platform/audit/audit.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { PeopleService } from '../people/people.service';

export interface SetupInput {
  orgName: string;
  name: string;
  email: string;
  password: string;
  confirmPassword: string;
}

/** First run: the console is closed until its first operator exists, and setup closes for good after. */
@Injectable()
export class SetupService {
  // Once an operator exists there is no way back, so "closed" is cached forever.
  private closed = false;

  constructor(
    private readonly em: EntityManager,
    private readonly people: PeopleService,
    private readonly orgs: OrganizationsService,
    private readonly audit: AuditService,
  ) {}

  /** True once an operator is known to exist; never false again after that. */
  get knownClosed(): boolean {
    return this.closed;
  }

  async isOpen(): Promise<boolean> {
    if (this.closed) return false;
    this.closed = await this.people.operatorExists();
    return !this.closed;
  }

  /** The setup page exists only until the first operator does. */
  async assertOpen(): Promise<void> {
    if (!(await this.isOpen())) throw new NotFound();
  }

  async complete(input: SetupInput): Promise<void> {
    if (input.password !== input.confirmPassword) {
      throw new InputRefused({ confirmPassword: 'The two passwords are not the same.' });
    }
    // One transaction: two browsers racing through setup cannot both create an operator.
    // The organization named is the first customer organization; the operator
    // serves every organization and belongs to none.
    await this.em.transactional(async () => {
      await this.assertOpen();
      await this.orgs.create(input.orgName).catch((err: unknown) => {
        if (err instanceof InputRefused && err.fields?.name) throw new InputRefused({ orgName: err.fields.name });
        throw err;
      });
      const operator = await this.people.createPerson({
        email: input.email,
        name: input.name,
        password: input.password,
        role: 'operator',
        organizationId: null,
      });
      await this.audit.record({
        action: 'setup.completed',
        actor: { type: 'person', id: operator.id, label: operator.email },
        target: { type: 'person', id: operator.id, label: operator.email },
        organizationId: null,
      });
    });
    this.closed = true;
  }
}
