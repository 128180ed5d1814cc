import type { INestApplicationContext } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Clock } from '../../src/common/clock';
import { APP_CONFIG } from '../../src/common/config.module';
import type { AppConfig } from '../../src/config/app.config';
import type { ProductRow } from '../../src/modules/catalog/catalog.service';
import { CatalogService } from '../../src/modules/catalog/catalog.service';
import { LicensesService } from '../../src/modules/licenses/licenses.service';
import { DownloadsService } from '../../src/modules/downloads/downloads.service';
import { uploadsDir } from '../../src/modules/downloads/installer-upload';
import { withContext } from '../../src/platform/database/request-context';
import { Organization } from '../../src/modules/organizations/organization.entity';
import { OrganizationsService } from '../../src/modules/organizations/organizations.service';
import type { Person, Role } from '../../src/modules/people/person.entity';
import { PeopleService } from '../../src/modules/people/people.service';

// Factories go through the real services, so what they make is what the
// product would make: hashed passwords, normalized emails, checked names.

/** Passes the password policy; tests sign in with it. */
export const DEFAULT_PASSWORD = 'violet-harbour-lantern-42';

let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36)}${randomBytes(2).toString('hex')}`;

/** A password strong enough for the policy, different every call. */
export function randomPassword(): string {
  return `${randomBytes(12).toString('base64url')}-${randomBytes(4).toString('hex')}`;
}

export async function createOrganization(
  app: INestApplicationContext,
  name = `Org ${unique()}`,
): Promise<Organization> {
  return withContext(app, () => app.get(OrganizationsService).create(name));
}

export interface PersonSpec {
  role?: Role;
  organization?: Organization | null;
  email?: string;
  name?: string;
  password?: string;
}

export interface CreatedPerson {
  person: Person;
  email: string;
  password: string;
}

export async function createPerson(app: INestApplicationContext, spec: PersonSpec = {}): Promise<CreatedPerson> {
  const role = spec.role ?? 'member';
  const id = unique();
  const password = spec.password ?? DEFAULT_PASSWORD;
  let organization = spec.organization ?? null;
  if (!organization && (role === 'admin' || role === 'member') && spec.organization !== null) {
    organization = await createOrganization(app);
  }
  const person = await withContext(app, () =>
    app.get(PeopleService).createPerson({
      email: spec.email ?? `${role}.${id}@example.test`,
      name: spec.name ?? `Test ${role[0].toUpperCase()}${role.slice(1)} ${id.slice(-4)}`,
      password,
      role,
      organizationId: organization?.id ?? null,
    }),
  );
  return { person, email: person.email, password };
}

export interface ProductSpec {
  sku?: string;
  name?: string;
  platforms?: string;
  agentVersion?: string;
}

/** A catalog product with its default plan. */
export async function createProduct(app: INestApplicationContext, spec: ProductSpec = {}): Promise<ProductRow> {
  const id = unique().toUpperCase();
  return withContext(app, () =>
    app.get(CatalogService).createProduct({
      sku: spec.sku ?? `SKU-${id.slice(-8)}`,
      name: spec.name ?? `Product ${id.slice(-4)}`,
      platforms: spec.platforms ?? 'windows,macos,android,ios',
      agentVersion: spec.agentVersion ?? '8.2.0',
    }),
  );
}

export interface LicenseSpec {
  organization: Organization;
  product?: ProductRow;
  seats?: number;
  /** Days from the app clock's now (negative: in the past). */
  expiresInDays?: number;
  autoRenew?: boolean;
}

/** A license (and its product, unless given) with its product key. */
export async function createLicense(app: INestApplicationContext, spec: LicenseSpec) {
  const product = spec.product ?? (await createProduct(app));
  const now = +app.get(Clock).now();
  return withContext(app, () =>
    app.get(LicensesService).create({
      organizationId: spec.organization.id,
      productId: product.id,
      seats: spec.seats ?? 5,
      startsAt: Math.min(now, now + (spec.expiresInDays ?? 365) * 86_400_000 - 365 * 86_400_000),
      expiresAt: now + (spec.expiresInDays ?? 365) * 86_400_000,
      autoRenew: spec.autoRenew ?? false,
    }),
  );
}

export interface ReleaseSpec {
  product: Pick<ProductRow, 'id'>;
  platform?: 'windows' | 'macos' | 'android' | 'ios';
  version?: string;
  content?: Buffer | string;
  fileName?: string;
  notes?: string;
  /** Make it the current release of its product and platform (default true). */
  current?: boolean;
}

/** An uploaded installer (a real file in the data folder), current unless told otherwise. */
export async function createRelease(app: INestApplicationContext, spec: ReleaseSpec) {
  const content = Buffer.from(spec.content ?? `installer ${unique()}`);
  const tmp = join(uploadsDir(app.get<AppConfig>(APP_CONFIG)), 'tmp');
  mkdirSync(tmp, { recursive: true });
  const tempPath = join(tmp, `${unique()}.part`);
  writeFileSync(tempPath, content);
  const downloads = app.get(DownloadsService);
  const platform = spec.platform ?? 'windows';
  const release = await withContext(app, () =>
    downloads.upload(
      { productId: spec.product.id, platform, version: spec.version ?? '8.2.0', notes: spec.notes ?? '' },
      {
        file: {
          tempPath,
          size: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
          clientName: spec.fileName ?? `setup-${platform}.bin`,
        },
      },
      null,
    ),
  );
  return spec.current === false ? release : withContext(app, () => downloads.markCurrent(release.id));
}
