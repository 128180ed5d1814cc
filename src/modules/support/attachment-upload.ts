import {
  createParamDecorator,
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type NestMiddleware,
} from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import multer from 'multer';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG } from '../../common/config.module';
import { InputRefused } from '../../common/errors/app-error';
import type { AppRequest } from '../../common/http/principal';
import type { AppConfig } from '../../config/app.config';

/** The field of the ticket and reply forms that carries the files. */
export const ATTACHMENTS_FIELD = 'attachments';
/** How many files one message may carry. */
export const MAX_ATTACHMENTS = 5;

/** A file as it arrived: in a temporary file of the server's naming. */
export interface ReceivedFile {
  tempPath: string;
  size: number;
  /** As the client named it: never used in a path. */
  clientName: string;
}

/** What the form brought: its files (maybe none), or why they were refused. */
export type AttachmentUpload =
  { files: ReceivedFile[] } | { refused: 'too_many' | 'too_large' | 'unreadable'; limitBytes: number };

type UploadRequest = AppRequest & { ticketAttachments?: AttachmentUpload };

export const attachmentLimitBytes = (config: Pick<AppConfig, 'attachmentMaxMb'>) => config.attachmentMaxMb * 1_000_000;
export const ticketFilesDir = (config: Pick<AppConfig, 'dataDir'>) => join(config.dataDir, 'uploads', 'tickets');

/**
 * Takes a ticket form's files (multipart) before the guards run (the CSRF
 * token is a field of the same form), for the signed-in people the route is
 * for (customers on /support, staff on /admin/support): anyone else's
 * request is left unread, and the guards refuse it. The files are
 * written to `${DATA_DIR}/uploads/tmp` under multer's random names; whatever
 * the handler did not move away goes when the answer is sent. The outcome
 * reaches the handler through @Attachments().
 */
@Injectable()
export class AttachmentUploadMiddleware implements NestMiddleware {
  private readonly upload: ReturnType<multer.Multer['array']>;
  private readonly limit: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const tmp = join(config.dataDir, 'uploads', 'tmp');
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    mkdirSync(ticketFilesDir(config), { recursive: true, mode: 0o700 });
    this.limit = attachmentLimitBytes(config);
    this.upload = multer({
      dest: tmp,
      // Browsers send a file's name as UTF-8.
      defParamCharset: 'utf8',
      limits: { fileSize: this.limit, files: MAX_ATTACHMENTS, fields: 20, fieldSize: 200_000 },
    }).array(ATTACHMENTS_FIELD, MAX_ATTACHMENTS);
  }

  use(req: UploadRequest, res: Response, next: NextFunction): void {
    const user = req.user;
    if (!req.is('multipart/form-data') || !user || user.stage !== 'active') return next();
    // Only the people the route is for: the guards refuse anyone else's request unread.
    const staffRoute = req.originalUrl.startsWith('/admin/');
    const isStaff = user.role === 'helpdesk' || user.role === 'operator';
    if (staffRoute !== isStaff) return next();
    this.upload(req, res, (err?: unknown) => {
      req.body = { ...((req.body ?? {}) as Record<string, unknown>) };
      const files = (Array.isArray(req.files) ? req.files : []).filter((f) => f.path);
      // Whatever the handler did not move into place goes when the answer is sent.
      res.once('close', () => {
        for (const f of files) void rm(f.path, { force: true });
      });
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') {
        req.ticketAttachments = { refused: 'too_large', limitBytes: this.limit };
      } else if (
        err instanceof multer.MulterError &&
        (err.code === 'LIMIT_FILE_COUNT' || err.code === 'LIMIT_UNEXPECTED_FILE')
      ) {
        req.ticketAttachments = { refused: 'too_many', limitBytes: this.limit };
      } else if (err) {
        req.ticketAttachments = { refused: 'unreadable', limitBytes: this.limit };
      } else {
        req.ticketAttachments = {
          files: files.map((f) => ({ tempPath: f.path, size: f.size, clientName: f.originalname })),
        };
      }
      next();
    });
  }
}

/** The files of the request (see AttachmentUploadMiddleware); none when it was not multipart. */
export const Attachments = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AttachmentUpload =>
    ctx.switchToHttp().getRequest<UploadRequest>().ticketAttachments ?? { files: [] },
);

/** Why a form's files were refused as a whole, beside the field. */
export function uploadRefusal(upload: Extract<AttachmentUpload, { refused: string }>): InputRefused {
  const message =
    upload.refused === 'too_many'
      ? `Attach at most ${MAX_ATTACHMENTS} files.`
      : upload.refused === 'too_large'
        ? `A file is too large: attach files of at most ${upload.limitBytes / 1_000_000} MB.`
        : 'The files could not be read: try again.';
  return new InputRefused({ attachments: message });
}

/**
 * Refuses a form whose files were too many or too large before its fields are
 * validated: the reading stopped at that file, so the fields after it (the
 * agent's reply-or-note button) are missing, and the message that matters is
 * the one about the files.
 */
@Injectable()
export class RefuseBadUpload implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    const upload = context.switchToHttp().getRequest<UploadRequest>().ticketAttachments;
    if (upload && 'refused' in upload) throw uploadRefusal(upload);
    return next.handle();
  }
}
