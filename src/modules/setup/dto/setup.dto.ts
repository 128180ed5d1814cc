import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

export class SetupDto extends FormDto {
  @IsString()
  @MinLength(1, { message: 'Enter the organization name.' })
  @MaxLength(120, { message: 'Use at most 120 characters.' })
  orgName: string;

  @IsString()
  @MinLength(1, { message: 'Enter your name.' })
  @MaxLength(120, { message: 'Use at most 120 characters.' })
  name: string;

  @IsString()
  @IsEmail({}, { message: 'Enter an email address like name@example.com.' })
  @MaxLength(254, { message: 'Use at most 254 characters.' })
  email: string;

  @IsString({ message: 'Choose a password.' })
  password: string;

  @IsString({ message: 'Type the password again.' })
  confirmPassword: string;
}
