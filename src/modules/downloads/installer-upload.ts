import { createParamDecorator, Inject, Injectable, type ExecutionContext, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG } from '../../common/config.module';
import type { AppRequest } from '../../common/http/principal';
import type { AppConfig } from '../../config/app.config';

/** The field of the upload form that carries the installer. */
export const INSTALLER_FIELD = 'file';

/** An installer as it arrived: in a temporary file, measured and hashed while it was written. */
export interface ReceivedInstaller {
  tempPath: string;
  size: number;
  sha256: string;
  /** As the client named it: never used in a path. */
  clientName: string;
}

/** What the upload form brought: the file, or why there is none. */
export type InstallerUpload =
  { file: ReceivedInstaller } | { refused: 'missing' | 'too_large' | 'unreadable'; limitBytes: number };

type UploadRequest = AppRequest & { installerUpload?: InstallerUpload };

export const uploadsDir = (config: Pick<AppConfig, 'dataDir'>) => join(config.dataDir, 'uploads');
export const uploadLimitBytes = (config: Pick<AppConfig, 'uploadMaxMb'>) => config.uploadMaxMb * 1_000_000;

class TooLarge extends Error {}

/**
 * A multer storage engine that streams the file to `dir` under a name of its
 * own, hashing (SHA-256) and counting as it goes. A file over the limit is
 * removed at once; the request's close removes whatever the handler did not
 * move away (a refused form, a refused CSRF token).
 */
class HashingStorage implements multer.StorageEngine {
  constructor(private readonly dir: string) {}

  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    callback: (error?: unknown, info?: Partial<Express.Multer.File> & { sha256?: string }) => void,
  ): void {
    const path = join(this.dir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    let settled = false;
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      file.stream.unpipe(out);
      file.stream.resume();
      out.destroy();
      void rm(path, { force: true }).finally(() => callback(error));
    };
    file.stream.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    file.stream.on('limit', () => fail(new TooLarge()));
    file.stream.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => {
      if (settled) return;
      settled = true;
      callback(null, { path, size, sha256: hash.digest('hex') });
    });
    file.stream.pipe(out);
  }

  _removeFile(_req: Request, file: Express.Multer.File, callback: (error: Error | null) => void): void {
    rm(file.path, { force: true }).then(
      () => callback(null),
      (err: unknown) => callback(err as Error),
    );
  }
}

/**
 * Takes the installer upload (multipart) for operators only, before the
 * guards run (the CSRF token is a field of the same form): anyone else's
 * request is left unread, and the guards refuse it. The outcome is handed to
 * the handler through @Installer().
 */
@Injectable()
export class InstallerUploadMiddleware implements NestMiddleware {
  private readonly upload: ReturnType<multer.Multer['single']>;
  private readonly limit: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const tmp = join(uploadsDir(config), 'tmp');
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    this.limit = uploadLimitBytes(config);
    this.upload = multer({
      storage: new HashingStorage(tmp),
      // Browsers send a file's name as UTF-8.
      defParamCharset: 'utf8',
      limits: { fileSize: this.limit, files: 1, fields: 20, fieldSize: 200_000, parts: 21 },
    }).single(INSTALLER_FIELD);
  }

  use(req: UploadRequest, res: Response, next: NextFunction): void {
    if (!req.is('multipart/form-data') || req.user?.role !== 'operator' || req.user.stage !== 'active') return next();
    this.upload(req, res, (err?: unknown) => {
      req.body = { ...((req.body ?? {}) as Record<string, unknown>) };
      const file = req.file as (Express.Multer.File & { sha256?: string }) | undefined;
      if (err instanceof TooLarge || (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE')) {
        req.installerUpload = { refused: 'too_large', limitBytes: this.limit };
      } else if (err) {
        req.installerUpload = { refused: 'unreadable', limitBytes: this.limit };
      } else if (!file?.path || !file.sha256) {
        req.installerUpload = { refused: 'missing', limitBytes: this.limit };
      } else {
        const tempPath = file.path;
        req.installerUpload = {
          file: { tempPath, size: file.size, sha256: file.sha256, clientName: file.originalname },
        };
        // Whatever the handler did not move into place goes when the answer is sent.
        res.once('close', () => void rm(tempPath, { force: true }));
      }
      next();
    });
  }
}

/** The installer upload of the request (see InstallerUploadMiddleware). */
export const Installer = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): InstallerUpload | undefined =>
    ctx.switchToHttp().getRequest<UploadRequest>().installerUpload,
);
