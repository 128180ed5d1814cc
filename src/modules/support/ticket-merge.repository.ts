import { Injectable } from '@nestjs/common';
import { Sql } from '../../platform/database/sql';
import { pauseIs, RETURNING, type PauseRead, type TicketRow } from './tickets.repository';

/**
 * The statements of a merge (the support module's tables): the source closes
 * only while it and its target are both live, in one conditional statement,
 * so two agents merging crossing tickets cannot both succeed.
 */
@Injectable()
export class TicketMergeRepository {
  constructor(private readonly sql: Sql) {}

  /** Tickets whose id starts with an 8-character reference (at most two: more is ambiguous). */
  byReference(prefix: string): Promise<{ id: string }[]> {
    // Ids are lower-case hex and dashes, all below 'z': a range the primary key answers.
    return this.sql.all<{ id: string }>('select id from tickets where id >= ? and id < ? order by id limit 2', [
      prefix,
      `${prefix}z`,
    ]);
  }

  /**
   * Closes `sourceId` as merged into `targetId`, both of `organizationId`:
   * only while the source is neither closed nor merged and its SLA pause is as
   * read, and the target is neither closed nor merged. Undefined otherwise.
   */
  closeAsMerged(
    sourceId: string,
    targetId: string,
    organizationId: string,
    now: number,
    pause: PauseRead,
  ): Promise<TicketRow | undefined> {
    return this.sql.get<TicketRow>(
      `update tickets set status = 'closed', merged_into = ?, status_changed_at = ?, last_activity_at = ?,
         resolved_at = coalesce(resolved_at, ?), pending_reminded_at = null,
         sla_paused_seconds = sla_paused_seconds + ?, sla_paused_at = null
       where id = ? and organization_id = ? and status <> 'closed' and merged_into is null
         and (sla_paused_at = ? or (sla_paused_at is null and ? is null))
         and exists (select 1 from tickets t where t.id = ? and t.organization_id = ? and t.status <> 'closed'
           and t.merged_into is null)
       ${RETURNING}`,
      [
        targetId,
        now,
        now,
        now,
        pause.since === null ? 0 : pause.seconds,
        sourceId,
        organizationId,
        ...pauseIs(pause),
        targetId,
        organizationId,
      ],
    );
  }

  /**
   * Moves the source's whole conversation (public messages, internal notes,
   * their files) to the target, ids kept; tickets merged into the source
   * earlier now point at the target too.
   */
  async moveConversation(sourceId: string, targetId: string, now: number): Promise<void> {
    await this.sql.run('update ticket_messages set ticket_id = ? where ticket_id = ?', [targetId, sourceId]);
    await this.sql.run('update ticket_attachments set ticket_id = ? where ticket_id = ?', [targetId, sourceId]);
    await this.sql.run('update tickets set merged_into = ? where merged_into = ?', [targetId, sourceId]);
    await this.sql.run('update tickets set last_activity_at = ? where id = ?', [now, targetId]);
  }
}
