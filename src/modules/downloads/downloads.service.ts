import { EntityManager } from '@mikro-orm/better-sqlite';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Clock } from '../../common/clock';
import { APP_CONFIG } from '../../common/config.module';
import { Conflict, Forbidden, Gone, InputRefused, NotFound, type FieldErrors } from '../../common/errors/app-error';
import type { AppConfig } from '../../config/app.config';
import { AuditService } from '../../platform/audit/audit.service';
import { CatalogService, type ProductRow } from '../catalog/catalog.service';
import { AGENT_VERSION, isPlatform, PLATFORM_LABELS, type Platform } from '../catalog/platforms';
import { LicensesService, type LicenseListItem } from '../licenses/licenses.service';
import { DownloadsRepository, type ReleaseRow } from './downloads.repository';
import { uploadsDir, type InstallerUpload } from './installer-upload';

export type { ReleaseRow } from './downloads.repository';

export interface ReleaseInput {
  productId?: string;
  platform?: string;
  version?: string;
  notes?: string;
}

/** A release with its product, for lists. */
export interface ReleaseItem extends ReleaseRow {
  product: Pick<ProductRow, 'id' | 'name' | 'sku'>;
}

/** What an organization may download: per licensed product, each platform's current release (or none). */
export interface ProductOffer {
  product: ProductRow;
  licenses: LicenseListItem[];
  platforms: { platform: Platform; release: ReleaseRow | null }[];
}

/** The statuses of a license whose products an organization may download. */
const DOWNLOADABLE = ['active', 'grace'];
const MAX_LIST = 1000;
const MAX_NOTES = 20_000;

const target = (release: Pick<ReleaseRow, 'id' | 'platform' | 'version'>, product: Pick<ProductRow, 'name'>) => ({
  type: 'release',
  id: release.id,
  label: `${product.name} for ${PLATFORM_LABELS[release.platform]} ${release.version}`,
});

/**
 * The name a download is saved as: the client's file name without any
 * folder, control or reserved characters (it never names a path on the
 * server), else one made of the product, version and platform.
 */
export function downloadFileName(clientName: string, fallback: string): string {
  const base = clientName.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"*:<>?|;%]/gu, '')
    .replace(/^[\s.]+|[\s.]+$/g, '')
    .slice(-150);
  return cleaned === '' ? fallback : cleaned;
}

/**
 * Installers, kept by operators per product, platform and version (uploaded
 * into DATA_DIR/uploads with their SHA-256, one marked current per product
 * and platform, withdrawn when bad), and offered to the organizations that
 * hold a license for the product through signed, expiring links.
 */
@Injectable()
export class DownloadsService {
  private readonly dir: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly em: EntityManager,
    private readonly releases: DownloadsRepository,
    private readonly catalog: CatalogService,
    private readonly licenses: LicensesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.dir = uploadsDir(config);
  }

  /** Every release with its product, by product name and platform, newest first. */
  async list(): Promise<ReleaseItem[]> {
    const rows = await this.releases.all(MAX_LIST);
    const products = await this.catalog.productsByIds(rows.map((row) => row.productId));
    return rows
      .map((row) => ({ ...row, product: products.get(row.productId)! }))
      .sort(
        (a, b) =>
          a.product.name.localeCompare(b.product.name) ||
          a.product.id.localeCompare(b.product.id) ||
          a.platform.localeCompare(b.platform) ||
          b.createdAt - a.createdAt,
      );
  }

  async release(id: string): Promise<ReleaseItem> {
    const row = await this.releases.byId(id);
    if (!row) throw new NotFound('Release not found.');
    const product = await this.catalog.product(row.productId);
    return { ...row, product };
  }

  /**
   * Stores an uploaded installer as a new release (not current yet). The
   * file is moved from its temporary name to one the server chose; on any
   * refusal it is removed.
   */
  async upload(
    input: ReleaseInput,
    upload: InstallerUpload | undefined,
    uploadedBy: string | null,
  ): Promise<ReleaseItem> {
    const received = upload && 'file' in upload ? upload.file : null;
    try {
      const errors: FieldErrors = {};
      const product = input.productId
        ? await this.catalog.productsByIds([input.productId])
        : new Map<string, ProductRow>();
      const chosen = input.productId ? product.get(input.productId) : undefined;
      if (!chosen) errors.productId = 'Choose the product.';
      const platform = input.platform ?? '';
      if (!isPlatform(platform)) errors.platform = 'Choose the platform.';
      else if (chosen && !chosen.platforms.includes(platform)) {
        errors.platform = `${chosen.name} does not run on ${PLATFORM_LABELS[platform]}: choose one of its platforms.`;
      }
      const version = (input.version ?? '').trim();
      if (!AGENT_VERSION.test(version)) errors.version = 'Enter the version as numbers with dots, like 8.2.1.';
      const notes = (input.notes ?? '').replace(/\r\n/g, '\n');
      if (notes.length > MAX_NOTES) errors.notes = `Keep the release notes under ${MAX_NOTES} characters.`;
      if (!received) errors.file = this.fileProblem(upload);
      if (Object.keys(errors).length > 0 || !chosen || !received || !isPlatform(platform)) {
        throw new InputRefused(errors);
      }
      const id = randomUUID();
      const row: ReleaseRow = {
        id,
        productId: chosen.id,
        platform,
        version,
        fileName: downloadFileName(received.clientName, `${chosen.sku}-${version}-${platform}`),
        storedName: id,
        size: received.size,
        sha256: received.sha256,
        notes,
        current: false,
        withdrawnAt: null,
        uploadedBy,
        createdAt: +this.clock.now(),
      };
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const stored = join(this.dir, row.storedName);
      try {
        await this.em.transactional(async () => {
          if (await this.releases.byVersion(chosen.id, platform, version)) {
            throw new InputRefused({
              version: `${chosen.name} for ${PLATFORM_LABELS[platform]} has a release ${version} already.`,
            });
          }
          await this.releases.insert(row);
          await this.audit.record({
            action: 'release.uploaded',
            target: target(row, chosen),
            details: { fileName: row.fileName, size: row.size, sha256: row.sha256 },
          });
          await rename(received.tempPath, stored);
        });
      } catch (err) {
        await rm(stored, { force: true });
        throw err;
      }
      return { ...row, product: chosen };
    } finally {
      if (received) await rm(received.tempPath, { force: true });
    }
  }

  /** Makes a release its product and platform's current one (the one before it no longer is). */
  async markCurrent(id: string): Promise<ReleaseItem> {
    return this.em.transactional(async () => {
      const release = await this.release(id);
      if (release.withdrawnAt !== null) throw new Conflict('This release was withdrawn: it cannot be made current.');
      if (release.current) return release;
      await this.releases.clearCurrent(release.productId, release.platform);
      if ((await this.releases.setCurrent(id)) === 0) throw new Conflict('This release was withdrawn meanwhile.');
      await this.audit.record({ action: 'release.marked_current', target: target(release, release.product) });
      return { ...release, current: true };
    });
  }

  /** Withdraws a release: never offered again, its links stop working; a current one leaves no current behind. */
  async withdraw(id: string): Promise<ReleaseItem> {
    return this.em.transactional(async () => {
      const release = await this.release(id);
      if ((await this.releases.withdraw(id, +this.clock.now())) === 0) return release;
      await this.audit.record({
        action: 'release.withdrawn',
        target: target(release, release.product),
        details: { wasCurrent: release.current },
      });
      return { ...release, current: false, withdrawnAt: +this.clock.now() };
    });
  }

  /** The organization's products (of its active or grace licenses), each platform with its current release. */
  async offersFor(organizationId: string): Promise<ProductOffer[]> {
    const licenses = (await this.licenses.allOf(organizationId)).filter((l) => DOWNLOADABLE.includes(l.status));
    const productIds = [...new Set(licenses.map((l) => l.product.id))];
    const [products, current] = await Promise.all([
      this.catalog.productsByIds(productIds),
      this.releases.currentOf(productIds),
    ]);
    return productIds
      .map((id) => products.get(id))
      .filter((product): product is ProductRow => product !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((product) => ({
        product,
        licenses: licenses.filter((l) => l.product.id === product.id),
        platforms: product.platforms.map((platform) => ({
          platform,
          release: current.find((r) => r.productId === product.id && r.platform === platform) ?? null,
        })),
      }));
  }

  /**
   * The release's file for a download by the organization (its link already
   * checked), audited: a withdrawn release is gone, a product the
   * organization no longer holds a license for is refused.
   */
  async download(
    organizationId: string,
    releaseId: string,
  ): Promise<{ release: ReleaseItem; path: string; size: number }> {
    const release = await this.release(releaseId);
    if (release.withdrawnAt !== null) {
      throw new Gone('This release was withdrawn and can no longer be downloaded. Open Downloads for the current one.');
    }
    const licensed = (await this.licenses.allOf(organizationId)).some(
      (l) => l.product.id === release.productId && DOWNLOADABLE.includes(l.status),
    );
    if (!licensed) throw new Forbidden('Your organization has no active license for this product.');
    const path = join(this.dir, release.storedName);
    const size = await stat(path).then(
      (stats) => stats.size,
      () => {
        throw new NotFound('The file of this release is missing on the server. Ask your operator to upload it again.');
      },
    );
    await this.em.transactional(() =>
      this.audit.record({
        action: 'release.downloaded',
        target: target(release, release.product),
        organizationId,
        details: { fileName: release.fileName },
      }),
    );
    return { release, path, size };
  }

  private fileProblem(upload: InstallerUpload | undefined): string {
    if (upload && 'refused' in upload) {
      switch (upload.refused) {
        case 'too_large':
          return `The file is too large: upload at most ${Math.round(upload.limitBytes / 1_000_000)} MB.`;
        case 'unreadable':
          return 'The upload could not be read. Choose the file again and upload it with the form.';
        case 'missing':
          break;
      }
    }
    return 'Choose the installer file to upload.';
  }
}
