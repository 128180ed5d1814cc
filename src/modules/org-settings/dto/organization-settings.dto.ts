import { Transform } from 'class-transformer';
import { IsOptional, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';
import { IsTimeZone } from '../../../common/view/time-zones';

const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

/** The organization's own settings; a blank number means "the install's". */
export class OrganizationSettingsDto extends FormDto {
  @Transform(trimLine)
  @IsLineOfText({ missing: 'Enter the organization name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  name: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^\d{1,3}$/, { message: 'Enter a whole number of characters, or leave it empty.' })
  passwordMinLength?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^\d{1,5}$/, { message: 'Enter a whole number of minutes, or leave it empty.' })
  sessionIdleMinutes?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;
}
