import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';

export interface TicketAttachmentRow {
  id: string;
  ticketId: string;
  messageId: number;
  /** The client's name, sanitized: shown, never used in a path. */
  name: string;
  size: number;
  contentType: string;
  createdAt: number;
}

const COLUMNS = `a.id, a.ticket_id as ticketId, a.message_id as messageId, a.name, a.size,
  a.content_type as contentType, a.created_at as createdAt`;

/** The `ticket_attachments` table. */
@Injectable()
export class TicketAttachmentsRepository {
  constructor(private readonly sql: Sql) {}

  async insert(row: TicketAttachmentRow): Promise<void> {
    await this.sql.run(
      `insert into ticket_attachments (id, ticket_id, message_id, name, size, content_type, created_at)
       values (?, ?, ?, ?, ?, ?, ?)`,
      [row.id, row.ticketId, row.messageId, row.name, row.size, row.contentType, row.createdAt],
    );
  }

  /** A ticket's attachments in the order they came; without those of internal notes unless asked. */
  ofTicket(ticketId: string, withInternal: boolean): Promise<TicketAttachmentRow[]> {
    return this.sql.all<TicketAttachmentRow>(
      `select ${COLUMNS} from ticket_attachments a join ticket_messages m on m.id = a.message_id
       where a.ticket_id = ? ${withInternal ? '' : 'and m.internal = 0'} order by a.message_id, a.rowid`,
      [ticketId],
    );
  }

  /** One attachment of a ticket; never one of an internal note unless asked. */
  one(ticketId: string, id: string, withInternal: boolean): Promise<TicketAttachmentRow | undefined> {
    return this.sql.get<TicketAttachmentRow>(
      `select ${COLUMNS} from ticket_attachments a join ticket_messages m on m.id = a.message_id
       where a.ticket_id = ? and a.id = ? ${withInternal ? '' : 'and m.internal = 0'}`,
      [ticketId, id],
    );
  }
}
