import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { IsEmailAddress } from './email-address';
import { FormDto } from './form.dto';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trim, trimLine } from './text-rules';

/**
 * The fields of an invitation form, whoever invites (an org admin their
 * people, an operator staff): the address, and a name the invited person
 * may change when they accept. Each form adds the roles it may grant.
 */
export abstract class InviteeFormDto extends FormDto {
  @Transform(trim)
  @IsEmailAddress({ missing: 'Enter the email address to send the invitation to.' })
  email: string;

  // Optional: the invited person chooses their own name when they accept.
  @Transform(({ value }: { value: unknown }) => {
    const clean = trimLine({ value });
    return clean === '' ? undefined : clean;
  })
  @IsOptional()
  @IsLineOfText({ missing: 'Enter a name, or leave it empty.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  name?: string;
}
