import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';
import { trim } from '../../../common/http/text-rules';
import {
  BACK_IN_REASONS,
  END_SESSIONS_REASONS,
  OTHER_NEEDS_NOTE,
  RESEND_INVITATION_REASONS,
  type BackInReason,
  type EndSessionsReason,
  type ResendInvitationReason,
} from '../helpdesk-reasons';

abstract class ReasonedDto extends FormDto {
  /** The agent's own words: optional, but needed with "Other". */
  @Transform(trim)
  @ValidateIf((dto: ReasonedDto) => dto.reason === 'other' || (dto.note ?? '') !== '')
  @IsString({ message: OTHER_NEEDS_NOTE })
  @MinLength(3, { message: OTHER_NEEDS_NOTE })
  @MaxLength(400, { message: 'Keep the note under 400 characters.' })
  note?: string;

  /** The page the form is on: the guided "can't sign in" page comes back to itself on a refusal. */
  @IsOptional()
  @IsIn(['guided'])
  flow?: 'guided';

  abstract reason: string;
}

/**
 * Unlock, send a reset link, reset two-factor: each gives access back to
 * someone who says they are the person, so the agent ticks the identity
 * checklist and says how they verified it.
 */
export class BackInActionDto extends ReasonedDto {
  @IsIn(Object.keys(BACK_IN_REASONS), { message: 'Choose how you verified who they are.' })
  reason: BackInReason;

  @IsIn(['yes'], { message: 'Confirm their name, sign-in address and organization first.' })
  confirmedIdentity: 'yes';

  @IsIn(['yes'], {
    message: 'Confirm you reached them on the number on file, in person or through their org admin.',
  })
  confirmedChannel: 'yes';
}

/** Ending someone's sessions takes access away: a reason is enough. */
export class EndSessionsDto extends ReasonedDto {
  @IsIn(Object.keys(END_SESSIONS_REASONS), { message: 'Choose why their sessions should end.' })
  reason: EndSessionsReason;
}

/** Resending an invitation mails a new link to the address it was sent to: a reason is enough. */
export class ResendInvitationDto extends ReasonedDto {
  @IsIn(Object.keys(RESEND_INVITATION_REASONS), { message: 'Choose why the invitation should be sent again.' })
  reason: ResendInvitationReason;
}
