import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import type { AppConfig } from '../../config/app.config';

/** One stored message on its way out. */
export interface OutgoingMail {
  id: number;
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: number;
}

export interface MailTransport {
  /** What /admin/mail shows: never credentials. */
  readonly description: string;
  /** Resolves with the Message-ID once the peer (or the file) has the message; rejects otherwise. */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): Promise<void>;
}

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

/** The nodemailer message: the same Message-ID on every attempt, so a receiver can spot a repeat. */
function envelope(config: AppConfig, mail: OutgoingMail) {
  const host = new URL(config.baseUrl).hostname || 'localhost';
  return {
    from: config.mailFrom,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<mail-${mail.id}-${mail.createdAt.toString(36)}@${host}>`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

// Templates never attach files or fetch URLs: refuse both outright.
const SAFE = { disableFileAccess: true, disableUrlAccess: true } as const;

/** SMTP through a nodemailer pool with every timeout set from SMTP_TIMEOUT_SECONDS. */
export class SmtpMailTransport implements MailTransport {
  readonly description: string;
  private readonly transporter: Transporter;

  constructor(private readonly config: AppConfig) {
    const url = new URL(config.smtpUrl!);
    const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
    this.description = `SMTP server ${url.hostname}:${port}`;
    const timeout = config.smtpTimeoutSeconds * 1000;
    this.transporter = createTransport({
      url: config.smtpUrl!,
      pool: true,
      maxConnections: 5,
      // The outbox retries with backoff; the pool re-tries a dropped connection once at most.
      maxRequeues: 1,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      dnsTimeout: timeout,
      logger: false,
      ...SAFE,
    });
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const info = await this.transporter.sendMail(envelope(this.config, mail));
    return { messageId: String(info.messageId ?? '') };
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

/** `${DATA_DIR}/mail/<time>-<id>.eml`, RFC 5322 with CRLF line ends (docs/reference/configuration.md, SMTP_URL). */
export class FileMailTransport implements MailTransport {
  readonly description: string;
  private readonly dir: string;
  private readonly transporter: Transporter;

  constructor(
    private readonly config: AppConfig,
    private readonly now: () => Date,
  ) {
    this.dir = join(config.dataDir, 'mail');
    this.description = `Files in ${this.dir}`;
    this.transporter = createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...SAFE });
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const info = await this.transporter.sendMail(envelope(this.config, mail));
    const stamp = this.now()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = join(this.dir, `${stamp}-${mail.id}.eml`);
    // Written aside and renamed: a reader never sees half a message. Mode 0600: links may carry tokens.
    const partial = `${file}.partial`;
    writeFileSync(partial, info.message as Buffer, { mode: 0o600 });
    chmodSync(partial, 0o600);
    renameSync(partial, file);
    return { messageId: String(info.messageId ?? '') };
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}

export function createMailTransport(config: AppConfig, now: () => Date): MailTransport {
  return config.smtpUrl ? new SmtpMailTransport(config) : new FileMailTransport(config, now);
}

/**
 * A failure as one line for the outbox and the page: the SMTP reply or the
 * error, never the SMTP password (nor the user:password part of a URL).
 */
export function describeMailError(err: unknown, smtpUrl: string | null): string {
  if (err === null || err === undefined) return 'Unknown error';
  const e = err as { message?: unknown; code?: unknown };
  let text = typeof e.message === 'string' && e.message ? e.message : String(err);
  if (typeof e.code === 'string' && e.code && !text.includes(e.code)) text = `${e.code}: ${text}`;
  text = text.replace(/\s+/g, ' ').replace(/\/\/[^/\s@]*@/g, '//');
  if (smtpUrl) {
    try {
      const { password } = new URL(smtpUrl);
      for (const secret of [password, decodeURIComponent(password)]) {
        if (secret.length > 0) text = text.split(secret).join('***');
      }
    } catch {
      // A URL that does not parse was refused at start-up.
    }
  }
  text = text.trim().slice(0, 300);
  return text || 'Unknown error';
}
