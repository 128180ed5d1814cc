import { generateProductKey, KEY_ALPHABET, readProductKey } from './product-key';

describe('product keys', () => {
  const read = (input: string) => readProductKey(input);

  it('generates grouped keys of the unambiguous alphabet that read back as themselves', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const key = generateProductKey();
      expect(key).toMatch(/^[2-9A-HJKMNP-Z]{5}(-[2-9A-HJKMNP-Z]{5}){4}$/);
      expect(read(key)).toEqual({ key });
      seen.add(key);
    }
    expect(seen.size).toBe(500);
    expect(KEY_ALPHABET).not.toMatch(/[01ILO]/);
  });

  it('accepts any case, spaces and missing dashes', () => {
    const key = generateProductKey();
    expect(read(key.toLowerCase().replace(/-/g, ' '))).toEqual({ key });
    expect(read(key.replace(/-/g, ''))).toEqual({ key });
  });

  it('catches every single mistyped character and every swap of neighbours', () => {
    const key = generateProductKey().replace(/-/g, '');
    for (let i = 0; i < key.length; i++) {
      for (const c of KEY_ALPHABET) {
        if (c === key[i]) continue;
        const typo = key.slice(0, i) + c + key.slice(i + 1);
        expect(read(typo)).toEqual({ problem: 'This product key has a typo: check each character again.' });
      }
      if (i + 1 < key.length && key[i] !== key[i + 1]) {
        const swapped = key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
        expect('problem' in read(swapped)).toBe(true);
      }
    }
  });

  it('names look-alikes, wrong lengths and empty input', () => {
    expect(read('')).toEqual({ problem: 'Enter the product key.' });
    expect(read('ABCD0-22222-22222-22222-2222O')).toEqual({
      problem: 'Product keys never contain 0, O, 1, I or L: check the characters 0, O.',
    });
    expect(read('22222-22222')).toEqual({ problem: 'A product key has 25 characters; this has 10.' });
    expect(read('22222-22222-22222-22222-2222?')).toEqual({
      problem: 'A product key has only letters and digits (dashes and spaces are optional).',
    });
  });
});
