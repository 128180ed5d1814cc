import { Transform } from 'class-transformer';
import { IsString } from 'class-validator';
import { FormDto } from './form.dto';

/**
 * The code field of /login/2fa and of enrolment. Anything that is not a
 * right code is refused by the service with the one generic answer, so a
 * missing or altered value (a list, an object) is simply an empty code that
 * gets that answer, on the page the person was using.
 */
export class TwoFactorCodeDto extends FormDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value : ''))
  @IsString()
  code = '';
}
