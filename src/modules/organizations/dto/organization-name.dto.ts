import { IsString, MaxLength, MinLength } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

export class OrganizationNameDto extends FormDto {
  @IsString({ message: 'Enter the organization name.' })
  @MinLength(1, { message: 'Enter the organization name.' })
  @MaxLength(120, { message: 'Use at most 120 characters.' })
  name: string;
}
