import { Migration20261126000000_initial } from './Migration20261126000000_initial';

// Listed explicitly so compiled code and ts-jest find the same migrations
// without globbing the file system.
export const MIGRATIONS = [{ name: 'Migration20261126000000_initial', class: Migration20261126000000_initial }];
