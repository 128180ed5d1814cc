import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';
import { FormDto } from '../../../common/http/form.dto';

// 3–64 printable characters on one line: no control, format, private-use or
// unassigned characters. Counted in characters (the u flag), not UTF-16 units.
export const PHRASE = /^[^\p{C}\p{Zl}\p{Zp}]{3,64}$/u;

export class PhraseDto extends FormDto {
  // Spaces are kept as one between words: the phrase is recognised by eye.
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value))
  @IsString({ message: 'Enter a phrase.' })
  @Matches(PHRASE, { message: 'Use 3 to 64 letters, numbers, spaces or punctuation, on one line.' })
  phrase: string;
}
