import { Transform } from 'class-transformer';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, IsText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';
import { CATEGORIES, LEVELS, type Category, type Level } from '../tickets.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

/** POST /support/new (contract: subject, description, category). */
export class NewTicketDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter a subject.', invalid: LINE_OF_TEXT_MESSAGE, max: 150 })
  subject: string;

  @Transform(trim)
  @IsText({ missing: 'Describe the problem.', max: 20_000, codePoints: true })
  description: string;

  @IsIn(CATEGORIES, { message: 'Choose what the problem is about.' })
  category: Category;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsIn(LEVELS, { message: 'Choose low, normal or high.' })
  urgency?: Level;

  /** An affected device or license: `device:<id>` or `license:<id>`, or empty. */
  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^(device|license):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: 'Choose one of your devices or licenses, or nothing.',
  })
  affected?: string;
}

export class TicketReplyDto extends FormDto {
  @Transform(trim)
  @IsText({ missing: 'Write your reply.', max: 20_000, codePoints: true })
  body: string;
}

export class StaffReplyDto extends TicketReplyDto {
  /** `reply` (public, mailed to the customer) or `note` (internal). */
  @IsIn(['reply', 'note'], { message: 'Choose a public reply or an internal note.' })
  kind: 'reply' | 'note';
}

export class AssignDto extends FormDto {
  /** A staff member's id, or empty for nobody. */
  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(UUID, { message: 'Choose a member of the staff.' })
  assigneeId?: string;
}

export class TicketStatusDto extends FormDto {
  @IsIn(['open', 'pending', 'solved', 'closed'], { message: 'Choose a status.' })
  status: 'open' | 'pending' | 'solved' | 'closed';
}

export class ImpactDto extends FormDto {
  @IsIn(LEVELS, { message: 'Choose low, normal or high.' })
  impact: Level;
}

/** POST /admin/support/:id/merge: the ticket to merge into, by its reference (`#1a2b3c4d`), id or address. */
export class MergeDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({
    missing: 'Enter the reference of the ticket to merge into.',
    invalid: LINE_OF_TEXT_MESSAGE,
    max: 200,
  })
  into: string;
}
