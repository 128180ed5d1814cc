import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

export class SendTestMailDto extends FormDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Enter the address to send the test message to.' })
  @MaxLength(254, { message: 'Use at most 254 characters.' })
  @IsEmail({}, { message: 'Enter an email address like name@example.com.' })
  to: string;
}
