import { EntityManager } from '@mikro-orm/better-sqlite';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../common/clock';
import { InputRefused, NotFound } from '../../common/errors/app-error';
import type { Principal } from '../../common/http/principal';
import { AuditService } from '../../platform/audit/audit.service';
import { SavedSearchesRepository, type SavedSearchRow } from './saved-searches.repository';

export interface SavedSearchInput {
  name: string;
  shared: boolean;
}

const TAKEN = 'You already have a saved search of this name: choose another.';
const target = (row: Pick<SavedSearchRow, 'id' | 'name'>) => ({ type: 'saved_search', id: row.id, label: row.name });

/**
 * Saved searches of the helpdesk queue: an agent names a view and filter set,
 * private or shared with all staff. Only the owner renames or deletes it
 * (anyone else gets a 404). A private search is the agent's own business and
 * is not audited; a shared one (created, changed, unshared, deleted) is,
 * as `support.saved_search_changed`.
 */
@Injectable()
export class SavedSearchesService {
  constructor(
    private readonly em: EntityManager,
    private readonly searches: SavedSearchesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  list(user: Principal): Promise<SavedSearchRow[]> {
    return this.searches.visibleTo(user.personId);
  }

  /** The owner's own search, else a 404 (another agent's, shared or not, is not theirs to change). */
  async own(user: Principal, id: string): Promise<SavedSearchRow> {
    const row = await this.searches.visible(id, user.personId);
    if (!row || row.ownerId !== user.personId) throw new NotFound('Saved search not found.');
    return row;
  }

  /** Saves `query` (already cleaned to the queue's known filters) under a name unique to its owner. */
  create(user: Principal, input: SavedSearchInput, query: string): Promise<SavedSearchRow> {
    const row: SavedSearchRow = {
      id: randomUUID(),
      ownerId: user.personId,
      name: input.name,
      shared: input.shared,
      query,
      createdAt: +this.clock.now(),
    };
    return this.em.transactional(async () => {
      if (!(await this.searches.insert(row))) throw new InputRefused({ name: TAKEN });
      if (row.shared) await this.record(row, 'created');
      return row;
    });
  }

  update(user: Principal, id: string, input: SavedSearchInput): Promise<SavedSearchRow> {
    return this.em.transactional(async () => {
      await this.own(user, id);
      if (await this.searches.nameTaken(user.personId, input.name, id)) throw new InputRefused({ name: TAKEN });
      const changed = await this.searches.update(id, user.personId, input.name, input.shared);
      if (!changed) throw new NotFound('Saved search not found.');
      const { before, after } = changed;
      if (before.shared || after.shared) {
        await this.record(after, !after.shared ? 'unshared' : !before.shared ? 'shared' : 'updated');
      }
      return after;
    });
  }

  delete(user: Principal, id: string): Promise<SavedSearchRow> {
    return this.em.transactional(async () => {
      const row = await this.searches.delete(id, user.personId);
      if (!row) throw new NotFound('Saved search not found.');
      if (row.shared) await this.record(row, 'deleted');
      return row;
    });
  }

  private record(row: SavedSearchRow, change: string) {
    return this.audit.record({ action: 'support.saved_search_changed', target: target(row), details: { change } });
  }
}
