import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * How the peer answers:
 * - `ok`: accepts every message;
 * - `4xx`: refuses MAIL FROM with 451 (temporary: "try again later");
 * - `5xx`: refuses every recipient with 550 (permanent);
 * - `hang`: accepts the connection and never answers (no greeting; on an
 *   already open connection, no reply to MAIL FROM), so the client must time out.
 */
export type SmtpPeerMode = 'ok' | '4xx' | '5xx' | 'hang';

export interface ParsedMail {
  /** Header names in lower case; the first occurrence of each, unfolded and decoded. */
  headers: Record<string, string>;
  from: string;
  to: string;
  subject: string;
  messageId: string;
  /** The text/plain part, decoded (quoted-printable/base64 undone). */
  text: string;
  /** The text/html part, decoded; '' when there is none. */
  html: string;
}

export interface ReceivedMail extends ParsedMail {
  envelope: { from: string; to: string[] };
  raw: string;
}

/**
 * A real SMTP server on 127.0.0.1 and a random port for tests: records what
 * it receives, and can refuse, hang, go down and come back on the same port.
 * Point the app at it with `SMTP_URL: peer.url`; stop it in afterAll.
 */
export class SmtpPeer {
  /** Every message accepted, in order. */
  readonly messages: ReceivedMail[] = [];
  /** Connections opened and MAIL FROM commands seen, whatever the mode answered. */
  connections = 0;
  transactions = 0;
  /** Connections or commands left without an answer in `hang` mode. */
  hung = 0;
  private server: SMTPServer | null = null;
  private waiters: (() => void)[] = [];

  private constructor(
    public port: number,
    public mode: SmtpPeerMode,
  ) {}

  /** Starts listening on 127.0.0.1 (port 0: a free one). */
  static async start(options: { mode?: SmtpPeerMode; port?: number } = {}): Promise<SmtpPeer> {
    const peer = new SmtpPeer(options.port ?? 0, options.mode ?? 'ok');
    await peer.up();
    return peer;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get isUp(): boolean {
    return this.server !== null;
  }

  setMode(mode: SmtpPeerMode): void {
    this.mode = mode;
  }

  /** Messages whose envelope recipient is `address`. */
  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.envelope.to.includes(address.toLowerCase()));
  }

  /** Resolves with the matching messages once there are `count` of them; rejects after `timeoutMs`. */
  async waitForMessages(
    count: number,
    { timeoutMs = 10_000, match = () => true }: { timeoutMs?: number; match?: (m: ReceivedMail) => boolean } = {},
  ): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.filter(match);
      if (found.length >= count) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SMTP peer: expected ${count} message(s), got ${found.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Forgets the messages and counters. */
  clear(): void {
    this.messages.length = 0;
    this.connections = this.transactions = this.hung = 0;
  }

  /** Stops listening and drops open connections: the port refuses connections until up(). */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again, on the same port as before. */
  async up(): Promise<void> {
    if (this.server) return;
    const server = new SMTPServer(this.options());
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  stop(): Promise<void> {
    return this.down();
  }

  private options(): SMTPServerOptions {
    return {
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      // Closing waits this long for open (pooled or hung) connections, then drops them.
      closeTimeout: 100,
      onConnect: (_session, callback) => {
        this.connections += 1;
        if (this.mode === 'hang') {
          this.hung += 1;
          return; // never greets
        }
        callback();
      },
      onMailFrom: (_address, _session, callback) => {
        this.transactions += 1;
        if (this.mode === 'hang') {
          this.hung += 1;
          return; // never answers
        }
        if (this.mode === '4xx') return callback(smtpError(451, 'Temporary failure, try again later (test peer)'));
        callback();
      },
      onRcptTo: (_address, _session, callback) => {
        if (this.mode === '5xx') return callback(smtpError(550, 'Mailbox unavailable (test peer)'));
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const mailFrom = session.envelope.mailFrom;
          this.messages.push({
            ...parseMail(raw),
            envelope: {
              from: mailFrom ? mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
            },
            raw,
          });
          for (const wake of this.waiters.splice(0)) wake();
          callback();
        });
      },
    };
  }
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

// A small RFC 5322 / MIME reader for what nodemailer writes: enough for tests
// to read the headers and the decoded text and HTML parts.

function splitMessage(raw: string): { headers: Record<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, '\n');
  const end = normalized.indexOf('\n\n');
  const head = end === -1 ? normalized : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    default:
      return body;
  }
}

function collectParts(raw: string, into: { text: string; html: string }): void {
  const { headers, body } = splitMessage(raw);
  const type = (headers['content-type'] ?? 'text/plain').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'])?.[1];
    if (!boundary) return;
    for (const section of body.split(`--${boundary}`).slice(1)) {
      if (section.startsWith('--')) break;
      collectParts(section.replace(/^\n/, ''), into);
    }
    return;
  }
  const decoded = decodeBody(body, headers['content-transfer-encoding']);
  if (type.startsWith('text/html') && !into.html) into.html = decoded;
  else if (type.startsWith('text/plain') && !into.text) into.text = decoded;
}

/** Reads a message as a mail client would, for assertions (also for the file transport's .eml files). */
export function parseMail(raw: string): ParsedMail {
  const { headers } = splitMessage(raw);
  const parts = { text: '', html: '' };
  collectParts(raw, parts);
  return {
    headers,
    from: headers.from ?? '',
    to: headers.to ?? '',
    subject: headers.subject ?? '',
    messageId: headers['message-id'] ?? '',
    text: parts.text,
    html: parts.html,
  };
}
