import { IsString, MaxLength, MinLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

export class DisableTwoFactorDto extends FormDto {
  @IsString({ message: 'Enter your password.' })
  @MinLength(1, { message: 'Enter your password.' })
  @MaxLength(1024, { message: 'That password is not right.' })
  password: string;

  @IsString({ message: 'Enter the code from your app, or a recovery code.' })
  @MinLength(1, { message: 'Enter the code from your app, or a recovery code.' })
  @MaxLength(64, { message: 'That code is not right. Enter the code your app shows now.' })
  code: string;
}
