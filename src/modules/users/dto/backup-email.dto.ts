import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { trim } from './trim';

export class BackupEmailDto extends FormDto {
  @Transform(trim)
  @IsString({ message: 'Enter a backup email address.' })
  @MaxLength(254, { message: 'Use at most 254 characters.' })
  @IsEmail({}, { message: 'Enter an email address like name@example.com.' })
  backupEmail: string;
}
