import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsLineOfText, LINE_OF_TEXT_MESSAGE, trimLine } from '../../../common/http/text-rules';
import { AGENT_VERSION, PLATFORMS, type Platform } from '../../catalog/platforms';

/** POST /api/v1/activations (JSON). */
export class ActivationDto {
  @IsString({ message: 'Send the product key as a string.' })
  @MaxLength(100, { message: 'A product key has 25 characters.' })
  productKey: string;

  @Transform(trimLine)
  @IsLineOfText({ missing: 'Send the device name.', invalid: LINE_OF_TEXT_MESSAGE, max: 120 })
  deviceName: string;

  @IsIn(PLATFORMS, { message: `Send the platform: ${PLATFORMS.join(', ')}.` })
  platform: Platform;

  @IsString({ message: 'Send the fingerprint as a string.' })
  @MinLength(8, { message: 'Send a fingerprint of 8 to 256 characters.' })
  @MaxLength(256, { message: 'Send a fingerprint of 8 to 256 characters.' })
  @Matches(/^[\x21-\x7e]+$/, { message: 'A fingerprint is printable ASCII without spaces.' })
  fingerprint: string;
}

/** POST /api/v1/heartbeat (JSON). */
export class HeartbeatDto {
  @IsString({ message: 'Send the agent version as a string, like 8.2.1.' })
  @Matches(AGENT_VERSION, { message: 'Send the agent version as numbers with dots, like 8.2.1.' })
  agentVersion: string;

  @IsOptional()
  @IsString({ message: 'Send the signatures version as a string.' })
  @Matches(/^[\w.:-]{1,64}$/, { message: 'Send a signatures version of 1 to 64 letters, digits, dots or dashes.' })
  signaturesVersion?: string;
}
