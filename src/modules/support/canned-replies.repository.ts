import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';

export interface CannedReplyRow {
  id: string;
  title: string;
  body: string;
  createdAt: number;
  updatedAt: number;
}

/** How many canned replies the list and the reply form's select show. */
export const CANNED_SHOWN = 500;

const COLUMNS = 'id, title, body, created_at as createdAt, updated_at as updatedAt';

/** The support module's `support_canned_replies` table. */
@Injectable()
export class CannedRepliesRepository {
  constructor(private readonly sql: Sql) {}

  list(): Promise<CannedReplyRow[]> {
    return this.sql.all<CannedReplyRow>(
      `select ${COLUMNS} from support_canned_replies order by title collate nocase, id limit ?`,
      [CANNED_SHOWN],
    );
  }

  get(id: string): Promise<CannedReplyRow | undefined> {
    return this.sql.get<CannedReplyRow>(`select ${COLUMNS} from support_canned_replies where id = ?`, [id]);
  }

  async insert(row: CannedReplyRow): Promise<void> {
    await this.sql.run(
      'insert into support_canned_replies (id, title, body, created_at, updated_at) values (?, ?, ?, ?, ?)',
      [row.id, row.title, row.body, row.createdAt, row.updatedAt],
    );
  }

  update(id: string, title: string, body: string, now: number): Promise<CannedReplyRow | undefined> {
    return this.sql.get<CannedReplyRow>(
      `update support_canned_replies set title = ?, body = ?, updated_at = ? where id = ? returning ${COLUMNS}`,
      [title, body, now, id],
    );
  }

  delete(id: string): Promise<CannedReplyRow | undefined> {
    return this.sql.get<CannedReplyRow>(`delete from support_canned_replies where id = ? returning ${COLUMNS}`, [id]);
  }
}
