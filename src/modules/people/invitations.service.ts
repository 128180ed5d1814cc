import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import { looksLikeFormula } from '../../common/csv';
import { isMailAddress } from '../../common/http/email-address';
import { isLineOfText, LINE_OF_TEXT_MESSAGE } from '../../common/http/text-rules';
import { Conflict, FORM_LEVEL, InputRefused, NotFound, type FieldErrors } from '../../common/errors/app-error';
import type { AppConfig } from '../../config/app.config';
import { AuditService } from '../../platform/audit/audit.service';
import { AppEvents } from '../../platform/events/app-events.service';
import { MailService, type MailItem, type PreparedMail } from '../../platform/mail/mail.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { PasswordPolicy } from './password-policy';
import { passwordStrength, strengthView } from './password-strength';
import { PeopleService } from './people.service';
import { InvitationsRepository, type InvitationRow, type NewInvitation } from './invitations.repository';
import { normalizeEmail, personTarget, ROLES, type Role } from './person.entity';

/** How long an invitation link works. */
export const INVITATION_TTL_SECONDS = 7 * 24 * 3600;
const INVITATION_DAYS = INVITATION_TTL_SECONDS / 86_400;
/** Rows an import writes between two progress reports (and turns of the event loop). */
const INVITE_CHUNK = 500;

const digest = (token: string) => createHash('sha256').update(token).digest('hex');
const WELL_FORMED = /^[\w-]{43}$/;

/** A turn of the event loop: requests waiting for it are accepted meanwhile. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Invitations ready to write (prepareInvitations()): ids, link digests and rendered mails, by chunk. */
export interface PreparedInvitations {
  inviter: Inviter;
  chunks: (NewInvitation & { mail: PreparedMail })[][];
}

/**
 * Who invites: an org admin (their organization; they grant admin or member)
 * or, later, an operator inviting staff (no organization; staff roles).
 */
export interface Inviter {
  personId: string | null;
  organizationId: string | null;
  /** The roles this inviter may give: never above their own. */
  grantable: readonly Role[];
}

export interface Invitee {
  email: string;
  name?: string;
  role: string;
}

/** What the invitation page shows before the person accepts. */
export interface InvitationView {
  email: string;
  name: string;
  /** Null for staff, who belong to no organization. */
  organizationName: string | null;
}

// A link that is used, replaced, revoked, expired or altered: the page says so instead of its form (400).
const linkGone = () =>
  new InputRefused('This invitation link is not valid any more.', {
    title: 'This invitation no longer works',
    invalid: true,
  });

const EMAIL_TAKEN = 'A person with this email address already exists.';
const MAX_NAME = 120;

// The driver's unique-constraint error for the sign-in address. Read by its
// message, not `instanceof`: the native driver's errors need not share this
// module's Error (test runners load each file in a realm of its own).
const emailTakenMeanwhile = (err: unknown) =>
  typeof err === 'object' &&
  err !== null &&
  /UNIQUE constraint failed: people\.email/.test(String((err as { message?: unknown }).message));

/** The invitee's name until they choose their own: the address's local part. */
const nameFromEmail = (email: string) => [...email.split('@')[0]].slice(0, MAX_NAME).join('') || email;

/**
 * Invitations by email: the invited person exists with status `invited` and
 * no password, and a single-use link (256 random bits, kept only as their
 * SHA-256) lets them choose their name and password within 7 days. Resending
 * replaces the link; revoking removes the invited person. Every change is
 * audited in its transaction, with its mail.
 */
@Injectable()
export class InvitationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly invitations: InvitationsRepository,
    private readonly people: PeopleService,
    private readonly organizations: OrganizationsService,
    private readonly policy: PasswordPolicy,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly events: AppEvents,
    private readonly clock: Clock,
  ) {}

  /** The problems of one invitee's fields, by field (empty: none); the address is not checked for being taken. */
  checkInvitee(by: Inviter, input: Invitee): FieldErrors {
    const errors: FieldErrors = {};
    const email = normalizeEmail(input.email ?? '');
    const name = (input.name ?? '').trim();
    if (!isEmail(email) || !isMailAddress(email)) errors.email = 'Enter an email address like name@example.com.';
    if (name !== '' && !isLineOfText(name)) errors.name = LINE_OF_TEXT_MESSAGE;
    else if ([...name].length > MAX_NAME) errors.name = `Enter a name of at most ${MAX_NAME} characters.`;
    else if (looksLikeFormula(name))
      errors.name = 'A name cannot start with =, +, - or @ (a spreadsheet would run it as a formula).';
    if (!(ROLES as readonly string[]).includes(input.role)) {
      errors.role = `Unknown role “${input.role}”: choose ${by.grantable.join(' or ')}.`;
    } else if (!by.grantable.includes(input.role as Role)) {
      errors.role = `You can invite people as ${by.grantable.join(' or ')} only.`;
    }
    return errors;
  }

  /** Invites one person: they exist as `invited` and get the link by email. */
  async invite(by: Inviter, input: Invitee): Promise<{ id: string; email: string; name: string }> {
    const errors = this.checkInvitee(by, input);
    if (Object.keys(errors).length > 0) throw new InputRefused(errors);
    const email = normalizeEmail(input.email);
    return this.em.transactional(async () => {
      if (await this.people.emailTaken(email)) throw new InputRefused({ email: EMAIL_TAKEN });
      const [invited] = await this.inviteChecked(by, [{ email, name: input.name, role: input.role as Role }]);
      return invited;
    });
  }

  /**
   * Invites every row, already checked (checkInvitee, addresses unique and
   * not taken), in the caller's transaction: a taken address fails it all.
   * `progress` is told how many rows are written so far.
   */
  async inviteChecked(
    by: Inviter,
    rows: { email: string; name?: string; role: Role }[],
    progress?: (written: number) => void,
  ): Promise<{ id: string; email: string; name: string }[]> {
    return this.invitePrepared(await this.prepareInvitations(by, rows), progress);
  }

  /**
   * The part of inviting that needs no write: each person's id and link, and
   * their invitation mail rendered, a chunk at a time with a turn of the event
   * loop between chunks. An import does this before its transaction, so the
   * database is held only for the writes (invitePrepared()).
   */
  async prepareInvitations(
    by: Inviter,
    rows: { email: string; name?: string; role: Role }[],
  ): Promise<PreparedInvitations> {
    const organizationName = await this.organizationName(by.organizationId);
    const chunks: PreparedInvitations['chunks'] = [];
    for (let start = 0; start < rows.length; start += INVITE_CHUNK) {
      if (start > 0) await nextTurn();
      const chunk = rows.slice(start, start + INVITE_CHUNK).map((row) => {
        const email = normalizeEmail(row.email);
        const name = (row.name ?? '').trim() || nameFromEmail(email);
        const person = { id: randomUUID(), organizationId: by.organizationId, email, name, role: row.role };
        return { person, token: randomBytes(32).toString('base64url') };
      });
      // The invitee is created with the invitation: no phrase, no zone of their own yet.
      const reader = { antiPhishingPhrase: null, timeZone: null, organizationId: by.organizationId };
      const mails = await this.mail.prepare(
        chunk.map(({ person, token }) => ({ ...this.linkMail(person, organizationName, token), reader })),
      );
      chunks.push(chunk.map(({ person, token }, i) => ({ person, digest: digest(token), mail: mails[i] })));
    }
    return { inviter: by, chunks };
  }

  /**
   * Writes prepared invitations in the caller's transaction, a chunk at a
   * time: each chunk's people and invitations, `user.invited` entries and
   * mails in a few multi-row statements. `progress` is told how many rows
   * are written after each chunk, and the event loop gets a turn between
   * chunks. An import of 10,000 rows held the connection ~7 s written row by
   * row (each with its own audit savepoint, lookups and rendering; 7.6–8.7 s
   * of CPU) and holds it ~0.9 s so (0.82–0.88 s of CPU), both on a busy
   * 2-core machine (docs/adr/0006-bulk-writes.md).
   */
  async invitePrepared(
    prepared: PreparedInvitations,
    progress?: (written: number) => void,
  ): Promise<{ id: string; email: string; name: string }[]> {
    const by = prepared.inviter;
    const now = +this.clock.now();
    const done: { id: string; email: string; name: string }[] = [];
    for (const [n, chunk] of prepared.chunks.entries()) {
      if (n > 0) await nextTurn();
      try {
        await this.invitations.insertInvited(chunk, by.personId, now, now + INVITATION_TTL_SECONDS * 1000);
      } catch (err) {
        if (emailTakenMeanwhile(err)) {
          // The statement was undone; name the address someone took meanwhile.
          const taken = await this.invitations.emailsTaken(chunk.map(({ person }) => person.email));
          const email = chunk.find(({ person }) => taken.has(person.email))?.person.email;
          throw new InputRefused({ email: email ? `${email}: ${EMAIL_TAKEN}` : EMAIL_TAKEN });
        }
        throw err;
      }
      await this.audit.recordMany(
        chunk.map(({ person }) => ({
          action: 'user.invited',
          target: personTarget(person),
          organizationId: by.organizationId,
          details: { role: person.role },
        })),
      );
      await this.mail.enqueuePrepared(chunk.map(({ mail }) => mail));
      this.events.emitMany(
        'user.invited',
        chunk.map(({ person }) => ({
          personId: person.id,
          email: person.email,
          role: person.role,
          organizationId: by.organizationId,
        })),
      );
      for (const { person } of chunk) done.push({ id: person.id, email: person.email, name: person.name });
      progress?.(done.length);
    }
    return done;
  }

  /** Which of these addresses belong to someone already. */
  emailsTaken(emails: readonly string[]): Promise<Set<string>> {
    return this.invitations.emailsTaken(emails.map(normalizeEmail));
  }

  /** An invited person's open invitation, or null when they are not invited (any more). */
  async ofPerson(personId: string): Promise<InvitationRow | null> {
    return (await this.invitations.ofPerson(personId)) ?? null;
  }

  /**
   * A new link by email; the old one stops working. `reason`: why support
   * sent it (kept in the audit entry, as the helpdesk's other actions do).
   */
  async resend(organizationId: string | null, personId: string, reason?: string): Promise<InvitationRow> {
    return this.em.transactional(async () => {
      const invitation = await this.invitations.ofPerson(personId);
      if (!invitation || invitation.organizationId !== organizationId) throw new NotFound('Invitation not found.');
      const token = randomBytes(32).toString('base64url');
      const now = +this.clock.now();
      const changed = await this.invitations.replaceToken(
        personId,
        digest(token),
        now,
        now + INVITATION_TTL_SECONDS * 1000,
      );
      if (changed === 0) throw new NotFound('Invitation not found.');
      const person = { id: personId, email: invitation.email, name: invitation.name };
      await this.audit.record({
        action: 'user.invitation_resent',
        target: personTarget(person),
        organizationId,
        ...(reason === undefined ? {} : { details: { reason } }),
      });
      await this.sendLink(person, await this.organizationName(organizationId), token);
      return invitation;
    });
  }

  /** Withdraws an invitation: the invited person is removed, and the link stops working. */
  async revoke(organizationId: string | null, personId: string): Promise<InvitationRow> {
    return this.em.transactional(async () => {
      const invitation = await this.invitations.ofPerson(personId);
      if (!invitation || invitation.organizationId !== organizationId) throw new NotFound('Invitation not found.');
      const removed = await this.invitations.removeInvited(organizationId, personId);
      if (removed === 0) {
        const message = `${invitation.email} has accepted the invitation already.`;
        throw new Conflict(message, { [FORM_LEVEL]: message });
      }
      await this.audit.record({
        action: 'user.invitation_revoked',
        target: personTarget({ id: personId, email: invitation.email }),
        organizationId,
        details: { role: invitation.role },
      });
      return invitation;
    });
  }

  /** What the invitation page shows while the link is good; else the page that says it is not. */
  async invitation(token: unknown): Promise<InvitationView> {
    const invitation = await this.valid(token);
    return {
      email: invitation.email,
      name: invitation.name,
      organizationName: await this.organizationName(invitation.organizationId),
    };
  }

  /**
   * Accepts an invitation: the person chooses their name and password (the
   * house rules), becomes active, and the link is used up. Returns who they are.
   */
  async accept(token: unknown, input: { name: string; password: string; confirmPassword: string }) {
    const invitation = await this.valid(token);
    const name = (input.name ?? '').trim();
    const errors: FieldErrors = {};
    if (name === '' || [...name].length > MAX_NAME) errors.name = `Enter a name of 1 to ${MAX_NAME} characters.`;
    const weak = await this.policy.check(input.password, { email: invitation.email, name });
    if (weak) errors.password = weak;
    if (input.confirmPassword !== input.password)
      errors.confirmPassword = 'The two passwords are not the same: type it again.';
    if (Object.keys(errors).length > 0) {
      const strength = weak ? await passwordStrength(input.password, [invitation.email, ...name.split(/\s+/)]) : null;
      throw new InputRefused(errors, {
        passwordMinLength: this.policy.minLength,
        strength: strength ? strengthView(strength.score, true) : null,
        email: invitation.email,
        organizationName: await this.organizationName(invitation.organizationId),
      });
    }
    // argon2 takes tens of ms: never while holding the database.
    const hashed = await this.people.hashPassword(input.password);
    const accepted = await this.em.transactional(async () => {
      // The one check that counts: a link is used at most once, even by racing requests.
      const personId = await this.invitations.consume(digest(token as string), +this.clock.now());
      if (personId !== invitation.personId) return false;
      if ((await this.invitations.activate(personId, name, hashed.value, +this.clock.now())) === 0) return false;
      const person = { id: personId, email: invitation.email };
      await this.audit.record({
        action: 'user.invitation_accepted',
        actor: {
          type: 'person',
          id: personId,
          label: invitation.email,
          organizationId: invitation.organizationId,
          role: invitation.role,
        },
        target: personTarget(person),
        organizationId: invitation.organizationId,
      });
      return true;
    });
    if (!accepted) throw linkGone();
    return { personId: invitation.personId, email: invitation.email, name };
  }

  private async valid(token: unknown): Promise<InvitationRow> {
    if (typeof token !== 'string' || !WELL_FORMED.test(token)) throw linkGone();
    const invitation = await this.invitations.findValid(digest(token), +this.clock.now());
    if (!invitation) throw linkGone();
    return invitation;
  }

  // Staff (operators, helpdesk) belong to no organization: their invitation names none.
  private async organizationName(organizationId: string | null): Promise<string | null> {
    return organizationId ? await this.organizations.nameOf(organizationId) : null;
  }

  private async sendLink(person: { email: string; name: string }, organizationName: string | null, token: string) {
    await this.mail.enqueueMany([this.linkMail(person, organizationName, token)]);
  }

  private linkMail(person: { email: string; name: string }, organizationName: string | null, token: string): MailItem {
    return {
      template: 'invitation',
      to: person.email,
      data: {
        name: person.name,
        organizationName,
        path: `/invitations/${token}`,
        days: INVITATION_DAYS,
        antiPhishingPhrase: null,
      },
    };
  }
}
