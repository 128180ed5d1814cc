import { Migration20261205000800_device_summary_index } from './Migration20261205000800_device_summary_index';
import { Migration20261206000100_billing } from './Migration20261206000100_billing';
import { Migration20261206000200_renewal_reminders } from './Migration20261206000200_renewal_reminders';
import { Migration20261206000300_renewals_indexes } from './Migration20261206000300_renewals_indexes';
import { Migration20261207000200_support } from './Migration20261207000200_support';
import { Migration20261207000300_ticket_attachments } from './Migration20261207000300_ticket_attachments';
import { Migration20261207000400_support_sla } from './Migration20261207000400_support_sla';
import { Migration20261207000500_support_canned_replies } from './Migration20261207000500_support_canned_replies';
import { Migration20261208000200_ticket_merge_sla_pause } from './Migration20261208000200_ticket_merge_sla_pause';
import { Migration20261208000300_support_saved_searches } from './Migration20261208000300_support_saved_searches';
import { Migration20261208000400_kb_search_speed } from './Migration20261208000400_kb_search_speed';
import { Migration20261208000500_support_queue_speed } from './Migration20261208000500_support_queue_speed';
import { Migration20261208000600_kb_title_search } from './Migration20261208000600_kb_title_search';
import { Migration20261205000300_devices } from './Migration20261205000300_devices';
import { Migration20261205000400_downloads } from './Migration20261205000400_downloads';
import { Migration20261205000700_people_summary } from './Migration20261205000700_people_summary';
import { Migration20261205000500_devices_filter_index } from './Migration20261205000500_devices_filter_index';
import { Migration20261205000200_licenses } from './Migration20261205000200_licenses';
import { Migration20261205000100_catalog } from './Migration20261205000100_catalog';
import { Migration20261126000000_initial } from './Migration20261126000000_initial';
import { Migration20261126000100_platform } from './Migration20261126000100_platform';
import { Migration20261126000200_mail } from './Migration20261126000200_mail';
import { Migration20261126000300_audit_indexes } from './Migration20261126000300_audit_indexes';
import { Migration20261126000400_account_security } from './Migration20261126000400_account_security';
import { Migration20261126000500_backup_email_index } from './Migration20261126000500_backup_email_index';
import { Migration20261126000600_audit_chain } from './Migration20261126000600_audit_chain';
import { Migration20261126000700_organization_name_key } from './Migration20261126000700_organization_name_key';
import { Migration20261204000000_two_factor_secrets } from './Migration20261204000000_two_factor_secrets';
import { Migration20261204000100_people_list } from './Migration20261204000100_people_list';
import { Migration20261204000200_organization_policies } from './Migration20261204000200_organization_policies';
import { Migration20261204000300_time_zones } from './Migration20261204000300_time_zones';
import { Migration20261207000100_kb } from './Migration20261207000100_kb';
import { Migration20261204000300_people_search } from './Migration20261204000300_people_search';
import { Migration20261204000900_staff_without_organization } from './Migration20261204000900_staff_without_organization';
import { Migration20261204000200_invitations } from './Migration20261204000200_invitations';

// Listed explicitly so compiled code and ts-jest find the same migrations
// without globbing the file system. Append new ones at the end.
export const MIGRATIONS = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261126000100_platform', class: Migration20261126000100_platform },
  { name: 'Migration20261126000200_mail', class: Migration20261126000200_mail },
  { name: 'Migration20261126000300_audit_indexes', class: Migration20261126000300_audit_indexes },
  { name: 'Migration20261126000400_account_security', class: Migration20261126000400_account_security },
  { name: 'Migration20261126000500_backup_email_index', class: Migration20261126000500_backup_email_index },
  { name: 'Migration20261126000600_audit_chain', class: Migration20261126000600_audit_chain },
  { name: 'Migration20261126000700_organization_name_key', class: Migration20261126000700_organization_name_key },
  { name: 'Migration20261204000000_two_factor_secrets', class: Migration20261204000000_two_factor_secrets },
  { name: 'Migration20261204000100_people_list', class: Migration20261204000100_people_list },
  { name: 'Migration20261204000200_organization_policies', class: Migration20261204000200_organization_policies },
  { name: 'Migration20261204000300_time_zones', class: Migration20261204000300_time_zones },
  { name: 'Migration20261204000300_people_search', class: Migration20261204000300_people_search },
  {
    name: 'Migration20261204000900_staff_without_organization',
    class: Migration20261204000900_staff_without_organization,
  },
  { name: 'Migration20261204000200_invitations', class: Migration20261204000200_invitations },
  { name: 'Migration20261205000100_catalog', class: Migration20261205000100_catalog },
  { name: 'Migration20261205000200_licenses', class: Migration20261205000200_licenses },
  { name: 'Migration20261205000300_devices', class: Migration20261205000300_devices },
  { name: 'Migration20261205000400_downloads', class: Migration20261205000400_downloads },
  { name: 'Migration20261205000700_people_summary', class: Migration20261205000700_people_summary },
  { name: 'Migration20261205000500_devices_filter_index', class: Migration20261205000500_devices_filter_index },
  { name: 'Migration20261205000800_device_summary_index', class: Migration20261205000800_device_summary_index },
  { name: 'Migration20261206000100_billing', class: Migration20261206000100_billing },
  { name: 'Migration20261206000200_renewal_reminders', class: Migration20261206000200_renewal_reminders },
  { name: 'Migration20261206000300_renewals_indexes', class: Migration20261206000300_renewals_indexes },
  { name: 'Migration20261207000100_kb', class: Migration20261207000100_kb },
  { name: 'Migration20261207000200_support', class: Migration20261207000200_support },
  { name: 'Migration20261207000300_ticket_attachments', class: Migration20261207000300_ticket_attachments },
  { name: 'Migration20261207000400_support_sla', class: Migration20261207000400_support_sla },
  {
    name: 'Migration20261207000500_support_canned_replies',
    class: Migration20261207000500_support_canned_replies,
  },
  {
    name: 'Migration20261208000200_ticket_merge_sla_pause',
    class: Migration20261208000200_ticket_merge_sla_pause,
  },
  {
    name: 'Migration20261208000300_support_saved_searches',
    class: Migration20261208000300_support_saved_searches,
  },
  {
    name: 'Migration20261208000400_kb_search_speed',
    class: Migration20261208000400_kb_search_speed,
  },
  {
    name: 'Migration20261208000500_support_queue_speed',
    class: Migration20261208000500_support_queue_speed,
  },
  { name: 'Migration20261208000600_kb_title_search', class: Migration20261208000600_kb_title_search },
];
