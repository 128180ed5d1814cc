import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { IsTimeZone } from '../../../common/view/time-zones';

const blankToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** The person's own time zone; empty: their organization's (or the install's). */
export class TimeZoneDto extends FormDto {
  @Transform(blankToUndefined)
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;
}
