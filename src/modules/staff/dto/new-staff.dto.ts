import { IsIn } from 'class-validator';
import { InviteeFormDto } from '../../../common/http/invitee-form.dto';

/** An operator invites a staff member (operator or helpdesk, in no organization). */
export class NewStaffDto extends InviteeFormDto {
  @IsIn(['helpdesk', 'operator'], { message: 'Choose Helpdesk or Operator.' })
  role: 'helpdesk' | 'operator';
}
