import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { open as openFile, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_CONFIG } from '../../common/config.module';
import { InputRefused, NotFound } from '../../common/errors/app-error';
import type { AppConfig } from '../../config/app.config';
import { AuditService } from '../../platform/audit/audit.service';
import { humanSize } from '../downloads/downloads.view';
import { ticketFilesDir, uploadRefusal, type AttachmentUpload } from './attachment-upload';
import { ALLOWED_EXTENSIONS, contentMatches, displayName, kindOfName } from './attachment-types';
import { TicketAttachmentsRepository, type TicketAttachmentRow } from './ticket-attachments.repository';

/** A received file that passed the checks: ready to be stored with its message. */
export interface CheckedAttachment {
  tempPath: string;
  name: string;
  size: number;
  contentType: string;
}

const refuse = (message: string) => new InputRefused({ attachments: message });

/**
 * Files on a ticket's messages: checked by extension and content, stored as
 * `${DATA_DIR}/uploads/tickets/<uuid>`, listed with their message, and read
 * back for the download. Callers scope the ticket (customer or staff) first.
 */
@Injectable()
export class TicketAttachments {
  private readonly dir: string;

  constructor(
    private readonly attachments: TicketAttachmentsRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.dir = ticketFilesDir(config);
  }

  /** The form's files if a ticket takes them all; otherwise why not, beside the field. */
  async check(upload: AttachmentUpload): Promise<CheckedAttachment[]> {
    try {
      return await this.checked(upload);
    } catch (err: unknown) {
      // A refused form keeps none of its files.
      if ('files' in upload) await Promise.all(upload.files.map((f) => rm(f.tempPath, { force: true })));
      throw err;
    }
  }

  private async checked(upload: AttachmentUpload): Promise<CheckedAttachment[]> {
    if ('refused' in upload) throw uploadRefusal(upload);
    const checked: CheckedAttachment[] = [];
    for (const file of upload.files) {
      const name = displayName(file.clientName);
      const kind = kindOfName(name);
      if (!kind) throw refuse(`“${name}” cannot be attached: attach ${ALLOWED_EXTENSIONS} files.`);
      if (file.size === 0) throw refuse(`“${name}” is empty.`);
      // Text is read whole (it must all be UTF-8); other kinds by their first bytes.
      const content = kind.magic ? await head(file.tempPath, 16) : await readFile(file.tempPath);
      if (!contentMatches(kind, content)) {
        throw refuse(`“${name}” is not ${kind.label}, as its name says.`);
      }
      checked.push({ tempPath: file.tempPath, name, size: file.size, contentType: kind.contentType });
    }
    return checked;
  }

  /**
   * Inside the transaction of the message: the rows, the audit entries, and the
   * files moved into place (removed again if the transaction fails after).
   */
  async store(
    ticket: { id: string; subject: string },
    messageId: number,
    files: CheckedAttachment[],
    organizationId: string | null,
    now: number,
    moved: string[],
  ): Promise<void> {
    for (const file of files) {
      const id = randomUUID();
      await this.attachments.insert({
        id,
        ticketId: ticket.id,
        messageId,
        name: file.name,
        size: file.size,
        contentType: file.contentType,
        createdAt: now,
      });
      await this.audit.record({
        action: 'ticket.attachment_added',
        target: { type: 'ticket', id: ticket.id, label: ticket.subject },
        organizationId,
        details: { name: file.name, size: file.size },
      });
      const path = join(this.dir, id);
      await rename(file.tempPath, path);
      moved.push(path);
    }
  }

  /** Removes files moved by a store() whose transaction did not commit. */
  async undo(moved: string[]): Promise<void> {
    await Promise.all(moved.map((path) => rm(path, { force: true })));
  }

  ofTicket(ticketId: string, withInternal: boolean): Promise<TicketAttachmentRow[]> {
    return this.attachments.ofTicket(ticketId, withInternal);
  }

  /** An attachment of the ticket and its content; attachments of internal notes only for staff. */
  async open(
    ticketId: string,
    id: string,
    withInternal: boolean,
  ): Promise<{ attachment: TicketAttachmentRow; stream: ReadStream }> {
    const attachment = await this.attachments.one(ticketId, id, withInternal);
    if (!attachment) throw new NotFound('Attachment not found.');
    const stream = createReadStream(join(this.dir, attachment.id));
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', () => reject(new NotFound('Attachment not found.')));
    });
    return { attachment, stream };
  }
}

/** The first `length` bytes of a file (fewer when it is shorter). */
async function head(path: string, length: number): Promise<Buffer> {
  const handle = await openFile(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The attachments of each message, for the conversation's view. */
export function attachmentsByMessage(rows: TicketAttachmentRow[], base: string) {
  const byMessage = new Map<number, { name: string; size: string; href: string }[]>();
  for (const row of rows) {
    const list = byMessage.get(row.messageId) ?? [];
    list.push({ name: row.name, size: humanSize(row.size), href: `${base}/attachments/${row.id}` });
    byMessage.set(row.messageId, list);
  }
  return byMessage;
}
