import { IsOptional, IsString, MaxLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

export class ConfirmPasswordDto extends FormDto {
  @IsString({ message: 'Enter your password.' })
  password: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  next?: string;
}
