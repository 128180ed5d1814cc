import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, IsText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';
import { BULK_MAX } from '../bulk-update.service';
import { LEVELS, type Level } from '../tickets.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;
const checkbox = ({ value }: { value: unknown }) => value === 'on' || value === '1' || value === 'true';

/** POST /admin/support/searches/new and /admin/support/searches/:id/edit. */
export class SavedSearchDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter a name.', invalid: LINE_OF_TEXT_MESSAGE, max: 80 })
  name: string;

  /** A checkbox: shared with all staff when ticked. */
  @Transform(checkbox)
  @IsOptional()
  @IsBoolean()
  shared?: boolean;

  /** The queue's query string being saved (cleaned by the controller); only on creation. */
  @IsOptional()
  @IsString()
  query?: string;
}

/** POST /admin/support/bulk: the ticked rows of a queue page and what to change on each. */
export class BulkUpdateDto extends FormDto {
  @Transform(({ value }: { value: unknown }) => (value === undefined || Array.isArray(value) ? value : [value]))
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(BULK_MAX, { message: `Choose at most ${BULK_MAX} tickets at a time.` })
  @Matches(UUID, { each: true, message: 'Choose tickets from the queue.' })
  ids?: string[];

  /** `me`, `nobody`, a staff member's id, or empty to leave the assignee. */
  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^(me|nobody|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message: 'Choose a member of the staff.',
  })
  assign?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(['open', 'pending', 'solved', 'closed'], { message: 'Choose a status.' })
  status?: 'open' | 'pending' | 'solved' | 'closed';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(LEVELS, { message: 'Choose low, normal or high.' })
  impact?: Level;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsText({ missing: 'Write the note.', max: 20_000, codePoints: true })
  note?: string;

  /** The queue page (view, filters, cursor) to come back to. */
  @IsOptional()
  @IsString()
  back?: string;
}
