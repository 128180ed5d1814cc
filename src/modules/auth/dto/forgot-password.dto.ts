import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

export class ForgotPasswordDto extends FormDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Enter the email address you sign in with.' })
  @MaxLength(254, { message: 'Use at most 254 characters.' })
  @IsEmail({}, { message: 'Enter an email address like name@example.com.' })
  email: string;
}
