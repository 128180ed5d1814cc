import { Migration } from '@mikro-orm/migrations';

// Agents' availability, the chats (waiting → active → ended) and their messages.
export class PlgLiveChat0001Init extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table \`plg_live_chat_agents\` (
      \`person_id\` text not null primary key,
      \`available\` integer not null default 0,
      \`last_seen_at\` integer not null,
      \`updated_at\` integer not null
    );`);
    this.addSql(`create table \`plg_live_chat_chats\` (
      \`id\` text not null primary key,
      \`organization_id\` text not null,
      \`member_id\` text not null,
      \`member_name\` text not null,
      \`topic\` text not null,
      \`status\` text not null check (\`status\` in ('waiting', 'active', 'ended')),
      \`agent_id\` text null,
      \`agent_name\` text null,
      \`created_at\` integer not null,
      \`taken_at\` integer null,
      \`ended_at\` integer null,
      \`end_reason\` text null,
      \`member_seen_at\` integer not null,
      \`ticket_id\` text null
    );`);
    // The queue (oldest waiting first) and the expiry job; one open chat per person.
    this.addSql(
      'create index `plg_live_chat_chats_status_created_index` on `plg_live_chat_chats` (`status`, `created_at`);',
    );
    this.addSql(
      "create unique index `plg_live_chat_chats_one_open_unique` on `plg_live_chat_chats` (`member_id`) where `status` in ('waiting', 'active');",
    );
    this.addSql('create index `plg_live_chat_chats_agent_index` on `plg_live_chat_chats` (`agent_id`, `status`);');
    this.addSql(
      'create index `plg_live_chat_chats_member_index` on `plg_live_chat_chats` (`member_id`, `created_at`);',
    );
    this.addSql(`create table \`plg_live_chat_messages\` (
      \`seq\` integer not null primary key autoincrement,
      \`chat_id\` text not null references \`plg_live_chat_chats\` (\`id\`) on delete cascade,
      \`author_id\` text null,
      \`author_name\` text not null,
      \`from_staff\` integer not null,
      \`body\` text not null,
      \`created_at\` integer not null
    );`);
    this.addSql('create index `plg_live_chat_messages_chat_seq_index` on `plg_live_chat_messages` (`chat_id`, `seq`);');
  }
}
