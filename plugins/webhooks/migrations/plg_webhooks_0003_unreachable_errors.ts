import { Migration } from '@mikro-orm/migrations';

/**
 * Delivery logs written before told a refused connection from a timeout or
 * an unknown name (a port scanner for whoever reads them). Every failure
 * without an answer now reads the same; refusals of an address and the
 * endpoint's own state keep their sentences.
 */
export const UNIFY_UNREACHABLE_SQL = `update \`plg_webhooks_deliveries\`
   set \`last_error\` = 'Could not reach the endpoint.'
 where \`response_status\` is null
   and \`last_error\` is not null
   and \`last_error\` not like 'The address % is not allowed (%).'
   and \`last_error\` not in (
     'The endpoint no longer exists.',
     'The endpoint is disabled.',
     'The endpoint secret cannot be read (was APP_SECRET changed?).',
     'SeatDesk stopped during the attempt.'
   );`;

export class PlgWebhooks0003UnreachableErrors extends Migration {
  override async up(): Promise<void> {
    this.addSql(UNIFY_UNREACHABLE_SQL);
  }
}
