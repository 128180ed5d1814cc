import { IsIn, IsOptional } from 'class-validator';
import { TwoFactorCodeDto } from '../../../common/http/two-factor-code.dto';

/** The first code of a new setup, and a checkbox (present when ticked): sign out the other sessions. */
export class EnableTwoFactorDto extends TwoFactorCodeDto {
  @IsOptional()
  @IsIn(['on', 'true', '1', 'false', '0'], { message: 'Tick the box or leave it empty.' })
  signOutOthers?: string;

  get signsOutOthers(): boolean {
    return ['on', 'true', '1'].includes(this.signOutOthers ?? '');
  }
}
