import { generate, generateSecret, generateURI, verify } from 'otplib';
import { toString as qrToString } from 'qrcode';

const PERIOD = 30;

/** A new 20-byte secret in base32, the form authenticator apps take. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, account: string): string {
  return generateURI({ issuer: 'SeatDesk', label: account, secret });
}

/** The enrolment QR code as an SVG data URI (an <img> under the strict CSP). */
export async function totpQrDataUri(uri: string): Promise<string> {
  const svg = await qrToString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/**
 * The time step a code belongs to when it is valid now (the previous, current
 * or next 30-second step) and later than `afterStep`, the last step accepted:
 * a code is never accepted twice. Null otherwise.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  now: Date,
  afterStep: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  try {
    const result = await verify({
      secret,
      token: code,
      epoch: Math.floor(+now / 1000),
      epochTolerance: PERIOD,
      ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    });
    return result.valid && 'timeStep' in result ? (result.timeStep as number) : null;
  } catch {
    return null;
  }
}

/** The current code (tests and the browser suite compute codes like an app). */
export function totpCode(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(+at / 1000) });
}
