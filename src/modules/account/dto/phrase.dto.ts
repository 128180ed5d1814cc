import { Transform } from 'class-transformer';
import { FormDto } from '../../../common/http/form.dto';
import { IsLineOfText } from '../../../common/http/text-rules';

const PHRASE_RULE = 'Use 3 to 64 letters, numbers, spaces or punctuation, on one line.';

export class PhraseDto extends FormDto {
  // Spaces are kept as one between words: the phrase is recognised by eye.
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value))
  // 3–64 characters (code points, not UTF-16 units) on one line, the rule of names.
  @IsLineOfText({
    missing: 'Enter a phrase.',
    invalid: PHRASE_RULE,
    control: PHRASE_RULE,
    min: 3,
    tooShort: PHRASE_RULE,
    max: 64,
    tooLong: PHRASE_RULE,
    codePoints: true,
  })
  phrase: string;
}
