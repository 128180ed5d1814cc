import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { FormDto } from '../../../src/platform/plugin-host/plugin-api';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** POST /plugins/live-chat/chats: what the chat is about and the first message. */
export class StartChatDto extends FormDto {
  @Transform(trim)
  @Length(1, 150, { message: 'Say in a few words what it is about (at most 150 characters).' })
  @IsString({ message: 'Say in a few words what it is about.' })
  topic: string;

  @Length(1, 2_000, { message: 'Write your question (at most 2,000 characters).' })
  @IsString({ message: 'Write your question.' })
  body: string;
}

/** POST /plugins/live-chat/chats/:id/messages */
export class ChatMessageDto extends FormDto {
  // Checked by the service (blank, longer than the limit): one message for the form and for the script.
  @MaxLength(100_000)
  @IsString({ message: 'Write a message.' })
  body: string;
}

/** POST /plugins/live-chat/chats/:id/end */
export class EndChatDto extends FormDto {
  @IsOptional()
  @IsIn(['on'], { message: 'Tick the box or leave it empty.' })
  resolved?: string;
}

/** POST /plugins/live-chat/console/availability */
export class AvailabilityDto extends FormDto {
  @IsIn(['on', 'off'], { message: 'Choose available or away.' })
  available: string;
}
