import { IsIn } from 'class-validator';
import { InviteeFormDto } from '../../../common/http/invitee-form.dto';

/** An org admin invites someone as admin or member (never above their own role, never staff). */
export class InviteDto extends InviteeFormDto {
  @IsIn(['admin', 'member'], { message: 'Choose Organization admin or Member.' })
  role: 'admin' | 'member';
}
