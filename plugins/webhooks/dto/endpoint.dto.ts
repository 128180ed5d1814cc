import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
  ValidatorConstraint,
  Validate,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { APP_EVENT_NAMES, FormDto } from '../../../src/platform/plugin-host/plugin-api';
import { webhookUrlProblem } from '../webhook-url';

@ValidatorConstraint({ name: 'webhookUrl' })
class WebhookUrlRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return webhookUrlProblem(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return webhookUrlProblem(args.value) ?? 'Enter a valid address.';
  }
}

// A form posts one checkbox as a string, several as an array, none as nothing.
const toList = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value];
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class EndpointDto extends FormDto {
  @Transform(trim)
  @Validate(WebhookUrlRule)
  url: string;

  @Transform(toList)
  @IsIn(APP_EVENT_NAMES, { each: true, message: 'Choose events from the list.' })
  @ArrayNotEmpty({ message: 'Choose at least one event.' })
  @IsArray({ message: 'Choose at least one event.' })
  events: string[];

  @IsOptional()
  @IsIn(['on'], { message: 'Tick the box or leave it empty.' })
  enabled?: string;
}

// Spaces and the zero-width characters: a secret of only these is no secret.
const VISIBLE = /[^\s\u200B-\u200D\u2060\uFEFF]/;

export class CreateEndpointDto extends EndpointDto {
  // Checked bottom-up, stopping at the first problem: text, then length, then not blank.
  @IsOptional()
  @ValidateIf((_, value) => value !== '')
  @Matches(VISIBLE, {
    message: 'Enter a secret with characters other than spaces, or leave it empty to have one generated.',
  })
  @Length(16, 200, {
    message: 'A secret you choose must be 16 to 200 characters; leave it empty to have one generated.',
  })
  @IsString({ message: 'Enter the secret as text.' })
  secret?: string;
}
