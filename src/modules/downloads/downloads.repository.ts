import { Injectable } from '@nestjs/common';
import { placeholders, Sql } from '../../platform/database/sql';
import type { Platform } from '../catalog/platforms';

export interface ReleaseRow {
  id: string;
  productId: string;
  platform: Platform;
  version: string;
  /** The client's file name, sanitized: only ever the download's name, never a path. */
  fileName: string;
  /** The server's own name of the file under the uploads folder. */
  storedName: string;
  size: number;
  sha256: string;
  /** Markdown source. */
  notes: string;
  current: boolean;
  withdrawnAt: number | null;
  uploadedBy: string | null;
  createdAt: number;
}

const RELEASE = `select id, product_id as productId, platform, version, file_name as fileName,
  stored_name as storedName, size, sha256, notes, current, withdrawn_at as withdrawnAt,
  uploaded_by as uploadedBy, created_at as createdAt from releases`;

type StoredRelease = Omit<ReleaseRow, 'current'> & { current: number };
const release = (row: StoredRelease | undefined): ReleaseRow | undefined =>
  row && { ...row, current: row.current === 1 };

/** The releases table: plain rows through `Sql`, in the caller's transaction. */
@Injectable()
export class DownloadsRepository {
  constructor(private readonly sql: Sql) {}

  async byId(id: string): Promise<ReleaseRow | undefined> {
    return release(await this.sql.get<StoredRelease>(`${RELEASE} where id = ?`, [id]));
  }

  async byVersion(productId: string, platform: Platform, version: string): Promise<ReleaseRow | undefined> {
    return release(
      await this.sql.get<StoredRelease>(`${RELEASE} where product_id = ? and platform = ? and version = ?`, [
        productId,
        platform,
        version,
      ]),
    );
  }

  /** Every release, by product and platform, newest first (a few per product and platform: read whole). */
  async all(limit: number): Promise<ReleaseRow[]> {
    const rows = await this.sql.all<StoredRelease>(
      `${RELEASE} order by product_id, platform, created_at desc, id limit ?`,
      [limit],
    );
    return rows.map((row) => release(row)!);
  }

  /** The current release of each platform of these products. */
  async currentOf(productIds: readonly string[]): Promise<ReleaseRow[]> {
    if (productIds.length === 0) return [];
    const rows = await this.sql.all<StoredRelease>(
      `${RELEASE} where current = 1 and product_id in (${placeholders(productIds.length)})`,
      productIds,
    );
    return rows.map((row) => release(row)!);
  }

  async insert(row: ReleaseRow): Promise<void> {
    await this.sql.run(
      `insert into releases (id, product_id, platform, version, file_name, stored_name, size, sha256, notes,
         current, withdrawn_at, uploaded_by, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, null, ?, ?)`,
      [
        row.id,
        row.productId,
        row.platform,
        row.version,
        row.fileName,
        row.storedName,
        row.size,
        row.sha256,
        row.notes,
        row.uploadedBy,
        row.createdAt,
      ],
    );
  }

  /** Clears the current release of a product's platform; the caller marks another in the same transaction. */
  async clearCurrent(productId: string, platform: Platform): Promise<number> {
    const result = await this.sql.run(
      `update releases set current = 0 where product_id = ? and platform = ? and current = 1`,
      [productId, platform],
    );
    return result.changes;
  }

  /** Marks a release current unless it was withdrawn; 0 when it was. */
  async setCurrent(id: string): Promise<number> {
    const result = await this.sql.run(`update releases set current = 1 where id = ? and withdrawn_at is null`, [id]);
    return result.changes;
  }

  /** Withdraws a release (no longer current); 0 when it was withdrawn already. */
  async withdraw(id: string, now: number): Promise<number> {
    const result = await this.sql.run(
      `update releases set withdrawn_at = ?, current = 0 where id = ? and withdrawn_at is null`,
      [now, id],
    );
    return result.changes;
  }
}
