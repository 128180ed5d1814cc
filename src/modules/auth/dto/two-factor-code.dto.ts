import { IsOptional, IsString } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

/**
 * The code field of /login/2fa and of enrolment. Anything that is not a
 * right code is refused by the service with the one generic answer, so the
 * DTO only insists on a string.
 */
export class TwoFactorCodeDto extends FormDto {
  @IsOptional()
  @IsString({ message: 'Enter the code from your app.' })
  code?: string;
}
