import { Transform } from 'class-transformer';
import { IsIn } from 'class-validator';
import { IsEmailAddress } from '../../../common/http/email-address';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';

export class NewStaffDto extends FormDto {
  @Transform(trim)
  @IsEmailAddress({ missing: 'Enter their email address.' })
  email: string;

  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter their name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  name: string;

  @IsIn(['helpdesk', 'operator'], { message: 'Choose Helpdesk or Operator.' })
  role: 'helpdesk' | 'operator';
}
