import { IsIn, IsOptional } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

/** A checkbox: present (ticked) or absent. */
export class RequireTwoFactorDto extends FormDto {
  @IsOptional()
  @IsIn(['on', 'true', '1', 'false', '0'], { message: 'Tick the box or leave it empty.' })
  requireTwoFactor?: string;

  get required(): boolean {
    return ['on', 'true', '1'].includes(this.requireTwoFactor ?? '');
  }
}
