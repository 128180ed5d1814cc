import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

/** At most this many characters of CSV in one import (the form body limit is 2 MB). */
export const MAX_IMPORT_CHARS = 2_000_000;

/**
 * A CSV pasted into the import form, or uploaded as a file (which the body
 * parser hands over as the `csvFile` text): checked first (`check`), then
 * imported (`import`). The file wins when both are given.
 */
export class PeopleImportDto extends FormDto {
  @IsOptional()
  @IsString({ message: 'Paste the CSV: a header row (email, name, role), then one person a line.' })
  @MaxLength(MAX_IMPORT_CHARS, { message: 'The CSV is too long: import at most 2 MB at a time.' })
  csv?: string;

  @IsOptional()
  @IsString({ message: 'Upload one CSV file.' })
  @MaxLength(MAX_IMPORT_CHARS, { message: 'The file is too large: upload at most 2 MB at a time.' })
  csvFile?: string;

  @IsOptional()
  @IsIn(['check', 'import'])
  step?: 'check' | 'import';
}
