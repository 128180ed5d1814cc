import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';

export interface SavedSearchRow {
  id: string;
  ownerId: string;
  name: string;
  shared: boolean;
  /** The queue's query string (`view=mine&priority=P1`), cleaned when saved. */
  query: string;
  createdAt: number;
}

/** How many saved searches the queue lists (an agent's own and the shared ones). */
export const SAVED_SEARCHES_SHOWN = 100;

const COLUMNS = 'id, owner_id as ownerId, name, shared, query, created_at as createdAt';
export type Stored = Omit<SavedSearchRow, 'shared'> & { shared: number };
const row = (stored: Stored | undefined): SavedSearchRow | undefined =>
  stored && { ...stored, shared: stored.shared === 1 };

/** The searches `personId` sees (their own and every shared one, by name); rows for `savedSearchRow`. */
export const visibleToQuery = (personId: string) => ({
  sql: `select ${COLUMNS} from support_saved_searches where owner_id = ? or shared = 1
       order by name collate nocase, id limit ?`,
  params: [personId, SAVED_SEARCHES_SHOWN],
});
/** A stored row as a search. */
export const savedSearchRow = (stored: Stored): SavedSearchRow => row(stored)!;

/** The support module's `support_saved_searches` table. */
@Injectable()
export class SavedSearchesRepository {
  constructor(private readonly sql: Sql) {}

  /** The searches `personId` sees: their own and every shared one, by name. */
  async visibleTo(personId: string): Promise<SavedSearchRow[]> {
    const { sql, params } = visibleToQuery(personId);
    return (await this.sql.all<Stored>(sql, params)).map(savedSearchRow);
  }

  /** A search `personId` may see (their own or a shared one). */
  async visible(id: string, personId: string): Promise<SavedSearchRow | undefined> {
    return row(
      await this.sql.get<Stored>(
        `select ${COLUMNS} from support_saved_searches where id = ? and (owner_id = ? or shared = 1)`,
        [id, personId],
      ),
    );
  }

  /** Inserts the search unless its owner has one of that name (any case); false then. */
  async insert(search: SavedSearchRow): Promise<boolean> {
    const inserted = await this.sql.get<{ id: string }>(
      `insert into support_saved_searches (id, owner_id, name, shared, query, created_at)
       values (?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
      [search.id, search.ownerId, search.name, search.shared ? 1 : 0, search.query, search.createdAt],
    );
    return inserted !== undefined;
  }

  /** Whether `ownerId` has another search (not `exceptId`) named `name`, whatever the case. */
  async nameTaken(ownerId: string, name: string, exceptId: string): Promise<boolean> {
    const found = await this.sql.get<{ id: string }>(
      'select id from support_saved_searches where owner_id = ? and lower(name) = lower(?) and id <> ?',
      [ownerId, name, exceptId],
    );
    return found !== undefined;
  }

  /** Renames (and shares or unshares) the owner's search; the row as it was and as it is, or undefined. */
  async update(
    id: string,
    ownerId: string,
    name: string,
    shared: boolean,
  ): Promise<{ before: SavedSearchRow; after: SavedSearchRow } | undefined> {
    const before = row(
      await this.sql.get<Stored>(`select ${COLUMNS} from support_saved_searches where id = ? and owner_id = ?`, [
        id,
        ownerId,
      ]),
    );
    if (!before) return undefined;
    const after = row(
      await this.sql.get<Stored>(
        `update support_saved_searches set name = ?, shared = ? where id = ? and owner_id = ? returning ${COLUMNS}`,
        [name, shared ? 1 : 0, id, ownerId],
      ),
    );
    return after && { before, after };
  }

  async delete(id: string, ownerId: string): Promise<SavedSearchRow | undefined> {
    return row(
      await this.sql.get<Stored>(
        `delete from support_saved_searches where id = ? and owner_id = ? returning ${COLUMNS}`,
        [id, ownerId],
      ),
    );
  }
}
