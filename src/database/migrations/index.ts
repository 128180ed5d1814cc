import { Migration20261126000000_initial } from './Migration20261126000000_initial';
import { Migration20261126000100_platform } from './Migration20261126000100_platform';

// Listed explicitly so compiled code and ts-jest find the same migrations
// without globbing the file system. Append new ones at the end.
export const MIGRATIONS = [
  { name: 'Migration20261126000000_initial', class: Migration20261126000000_initial },
  { name: 'Migration20261126000100_platform', class: Migration20261126000100_platform },
];
