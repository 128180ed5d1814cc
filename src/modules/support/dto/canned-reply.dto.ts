import { Transform } from 'class-transformer';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, IsText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';

/** POST /admin/support/canned/new and /admin/support/canned/:id/edit. */
export class CannedReplyDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter a title.', invalid: LINE_OF_TEXT_MESSAGE, max: 150 })
  title: string;

  @Transform(trim)
  @IsText({ missing: 'Write the reply.', max: 20_000, codePoints: true })
  body: string;
}
