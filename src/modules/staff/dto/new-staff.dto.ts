import { Transform } from 'class-transformer';
import { IsIn, IsOptional } from 'class-validator';
import { IsEmailAddress } from '../../../common/http/email-address';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from '../../../common/http/text-rules';

/** An operator invites a staff member (operator or helpdesk, in no organization). */
export class NewStaffDto extends FormDto {
  @Transform(trim)
  @IsEmailAddress({ missing: 'Enter the email address to send the invitation to.' })
  email: string;

  // Optional: the invited person chooses their own name when they accept.
  @Transform(({ value }: { value: unknown }) => {
    const clean = trimLine({ value });
    return clean === '' ? undefined : clean;
  })
  @IsOptional()
  @IsLineOfText({ missing: 'Enter a name, or leave it empty.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  name?: string;

  @IsIn(['helpdesk', 'operator'], { message: 'Choose Helpdesk or Operator.' })
  role: 'helpdesk' | 'operator';
}
