import { describeMailError } from './mail-transport';

describe('describeMailError', () => {
  it('keeps the SMTP reply on one line, with the error code', () => {
    const err = Object.assign(new Error('Mail command failed:\r\n451 4.3.0 Try\tagain later'), { code: 'EENVELOPE' });
    expect(describeMailError(err, 'smtp://127.0.0.1:2525')).toBe(
      'EENVELOPE: Mail command failed: 451 4.3.0 Try again later',
    );
  });

  it('never carries the SMTP password, plain or URL-encoded, nor the credentials of a URL', () => {
    const url = 'smtp://mailer:s3cr%40t-pass@mail.example.com:587';
    const plain = new Error(
      'Invalid login for mailer with s3cr@t-pass at smtp://mailer:s3cr%40t-pass@mail.example.com',
    );
    const text = describeMailError(plain, url);
    expect(text).not.toContain('s3cr@t-pass');
    expect(text).not.toContain('s3cr%40t-pass');
    expect(text).toBe('Invalid login for mailer with *** at smtp://mail.example.com');
  });

  it('shortens a long error and names something for an empty one', () => {
    expect(describeMailError(new Error('x'.repeat(1000)), null)).toHaveLength(300);
    expect(describeMailError(new Error(''), null)).toBe('Error');
    expect(describeMailError(undefined, null)).toBe('Unknown error');
  });
});
