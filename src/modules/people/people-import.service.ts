import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound } from '../../common/errors/app-error';
import { AuditService } from '../../platform/audit/audit.service';
import { AfterCommit } from '../../platform/database/after-commit';
import { InvitationsService, type Inviter } from './invitations.service';
import { normalizeEmail, type Role } from './person.entity';

/** At most this many people in one import. */
export const MAX_IMPORT_ROWS = 10_000;

/** One row of the file that cannot be imported, with every reason why. */
export interface ImportProblem {
  /** The line of the file the row ends on (the header is line 1). */
  line: number;
  email: string;
  problems: string[];
}

export interface ImportCheck {
  /** Data rows read (the header not counted). */
  total: number;
  /** What is wrong with the file as a whole (unreadable, no email column, too many rows). */
  fileProblem: string | null;
  problems: ImportProblem[];
  rows: { email: string; name?: string; role: Role }[];
}

/** An import under way or finished, as its status page shows it. */
export interface ImportProgress {
  id: string;
  organizationId: string | null;
  total: number;
  written: number;
  state: 'running' | 'done' | 'failed';
  failure: string | null;
  startedAt: number;
  finishedAt: number | null;
}

// Finished imports are kept for their status page this long (in memory: one process).
const KEEP_FINISHED_MS = 24 * 3600 * 1000;
const COLUMNS = ['email', 'name', 'role'];

/**
 * People from a CSV file (email, name, role; a header row): first checked
 * row by row without writing anything, then imported all or nothing in one
 * transaction, each person invited by email. The import runs after the
 * answer; its progress is kept in memory for the status page.
 */
@Injectable()
export class PeopleImportService {
  private readonly imports = new Map<string, ImportProgress>();

  constructor(
    private readonly em: EntityManager,
    private readonly invitations: InvitationsService,
    private readonly audit: AuditService,
    private readonly afterCommit: AfterCommit,
    private readonly clock: Clock,
  ) {}

  /** Reads and checks the file; writes nothing. */
  async check(by: Inviter, csv: string): Promise<ImportCheck> {
    const empty = (fileProblem: string): ImportCheck => ({ total: 0, fileProblem, problems: [], rows: [] });
    let records: { record: Record<string, string>; info: { lines: number } }[];
    let header: string[] = [];
    try {
      records = parse(csv, {
        bom: true,
        columns: (names: string[]) => (header = names.map((name) => name.trim().toLowerCase())),
        skip_empty_lines: true,
        relax_column_count: true,
        info: true,
      }) as typeof records;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return empty(`The file cannot be read as CSV: ${message}`);
    }
    if (header.length === 0) return empty('The file is empty: start with the header row email,name,role.');
    const unknown = header.filter((name) => !COLUMNS.includes(name));
    if (!header.includes('email') || unknown.length > 0) {
      return empty(
        `The header row must name the columns email, name and role (name may be left out)${
          unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''
        }.`,
      );
    }
    if (records.length === 0) return empty('The file has a header row but nobody in it.');
    if (records.length > MAX_IMPORT_ROWS) {
      return empty(`The file has ${records.length} people: import at most ${MAX_IMPORT_ROWS} at a time.`);
    }

    const taken = await this.invitations.emailsTaken(records.map(({ record }) => normalizeEmail(record.email ?? '')));
    const firstLine = new Map<string, number>();
    const problems: ImportProblem[] = [];
    const rows: ImportCheck['rows'] = [];
    for (const { record, info } of records) {
      const email = normalizeEmail(record.email ?? '');
      const name = (record.name ?? '').trim();
      const role = (record.role ?? '').trim().toLowerCase();
      const fields = this.invitations.checkInvitee(by, { email, name, role: role || 'member' });
      const found = [fields.email, fields.name, fields.role].filter((m): m is string => Boolean(m));
      if (!fields.email) {
        const first = firstLine.get(email);
        if (first !== undefined) found.push(`This address is already on line ${first} of the file.`);
        else firstLine.set(email, info.lines);
        if (taken.has(email)) found.push('A person with this email address already exists.');
      }
      if (found.length > 0) problems.push({ line: info.lines, email: record.email ?? '', problems: found });
      else rows.push({ email, name: name || undefined, role: (role || 'member') as Role });
    }
    return { total: records.length, fileProblem: null, problems, rows };
  }

  /**
   * Checks the file again and, when every row is good, starts the import
   * after the answer; returns its id for the status page. A file with a
   * problem is refused with the report, and nothing is written.
   */
  async start(by: Inviter, csv: string): Promise<string> {
    const check = await this.check(by, csv);
    if (check.fileProblem || check.problems.length > 0) {
      throw new InputRefused('Nothing was imported: correct the rows below, then check the file again.', {
        report: reportView(check),
        csv,
      });
    }
    this.prune();
    const progress: ImportProgress = {
      id: randomUUID(),
      organizationId: by.organizationId,
      total: check.rows.length,
      written: 0,
      state: 'running',
      failure: null,
      startedAt: +this.clock.now(),
      finishedAt: null,
    };
    this.imports.set(progress.id, progress);
    this.afterCommit.runAfterAnswer(() => this.run(by, check.rows, progress));
    return progress.id;
  }

  /** An import of this organization; another organization's (or a forgotten) one is not found. */
  progress(organizationId: string | null, id: string): ImportProgress {
    const progress = this.imports.get(id);
    if (!progress || progress.organizationId !== organizationId) throw new NotFound('Import not found.');
    return { ...progress };
  }

  private async run(by: Inviter, rows: ImportCheck['rows'], progress: ImportProgress): Promise<void> {
    try {
      // Ids, links and mails are made before the transaction: it only writes.
      const prepared = await this.invitations.prepareInvitations(by, rows);
      await this.em.transactional(async () => {
        await this.invitations.invitePrepared(prepared, (written) => (progress.written = written));
        await this.audit.record({
          action: 'user.imported',
          target: { type: 'organization', id: by.organizationId, label: 'People import' },
          organizationId: by.organizationId,
          details: { imported: rows.length, invited: rows.length },
        });
      });
      progress.state = 'done';
    } catch (err) {
      progress.written = 0;
      progress.state = 'failed';
      progress.failure =
        err instanceof InputRefused
          ? `${Object.values(err.fields ?? {}).join(' ') || err.message} Nothing was imported.`
          : 'The import failed and nothing was imported. Try again; if it fails again, ask your operator.';
      if (!(err instanceof InputRefused)) throw err;
    } finally {
      progress.finishedAt = +this.clock.now();
    }
  }

  private prune(): void {
    const now = +this.clock.now();
    for (const [id, progress] of this.imports) {
      if (progress.finishedAt !== null && now - progress.finishedAt > KEEP_FINISHED_MS) this.imports.delete(id);
    }
  }
}

/** The check's report as the import page shows it. */
export function reportView(check: ImportCheck) {
  return {
    total: check.total,
    fileProblem: check.fileProblem,
    problems: check.problems,
    problemCount: check.problems.length,
    ready: check.rows.length,
    good: !check.fileProblem && check.problems.length === 0,
  };
}
