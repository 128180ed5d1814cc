import { keptValues } from './validation';

describe('keptValues (what a refused form shows again)', () => {
  it('drops secrets: passwords, codes, tokens, a card number and its security code', () => {
    expect(
      keptValues({
        _csrf: 'c',
        password: 'p',
        newPassword: 'p',
        code: '123456',
        recoveryCode: 'r',
        token: 't',
        cardNumber: '4000 0566 5566 5556',
        card_number: '4000056655665556',
        cvc: '737',
        cvv: '737',
        holderName: 'Ada Lovelace',
      }),
    ).toEqual({ holderName: 'Ada Lovelace' });
  });

  it('keeps a postal, country or currency code: they are no secret', () => {
    expect(keptValues({ postalCode: '10115', countryCode: 'DE', currencyCode: 'EUR', twoFactorCode: '1' })).toEqual({
      postalCode: '10115',
      countryCode: 'DE',
      currencyCode: 'EUR',
    });
  });
});
