import { PassThrough } from 'node:stream';
import type { Response } from 'express';
import type { AuditExportRow } from './audit.repository';
import { AuditCsvEncoder, csvField, csvFilename, csvRecord, streamCsv } from './audit-csv';

const row = (overrides: Partial<AuditExportRow> = {}): AuditExportRow => ({
  id: 7,
  at: Date.parse('2026-11-26T10:15:30.123Z'),
  actorType: 'person',
  actorId: 'p-1',
  actorLabel: 'ann@example.test',
  action: 'ticket.created',
  targetType: 'ticket',
  targetId: 't-1',
  targetLabel: 'Printer on fire',
  organizationId: 'o-1',
  organizationName: 'Acme',
  ip: '203.0.113.9',
  outcome: 'success',
  userAgent: 'Mozilla/5.0',
  details: '{"priority":"high"}',
  ...overrides,
});

describe('CSV encoding of the audit log', () => {
  it('leaves plain text alone and writes null as an empty field', () => {
    expect(csvField('ann@example.test')).toBe('ann@example.test');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvField(-3)).toBe('-3');
  });

  it('defuses a formula after a leading line break too', () => {
    expect(csvField('\n=HYPERLINK("x")')).toBe('"\'\n=HYPERLINK(""x"")"');
  });

  it('quotes fields with commas, quotes and line breaks, doubling the quotes (RFC 4180)', () => {
    expect(csvField('Smith, Ann')).toBe('"Smith, Ann"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('a\r\nb')).toBe('"a\r\nb"');
  });

  it.each([
    ['=1+2', "'=1+2"],
    ['+31 20 123', "'+31 20 123"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', `"'\tcmd"`],
    ['\rcmd', `"'\rcmd"`],
    ['=HYPERLINK("http://evil.test","click")', `"'=HYPERLINK(""http://evil.test"",""click"")"`],
  ])('defuses a cell that a spreadsheet would run: %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it('quotes fields with a semicolon or a tab, which spreadsheets in some locales split on', () => {
    expect(csvField('a;=1+1')).toBe('"a;=1+1"');
    expect(csvField('a\t=1+1')).toBe('"a\t=1+1"');
    expect(csvField('=1;2')).toBe(`"'=1;2"`);
    expect(csvRecord(['x;y', 'z'])).toBe('"x;y",z\r\n');
  });

  it('does not touch those characters later in a cell', () => {
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('ann+tag@example.test')).toBe('ann+tag@example.test');
  });

  it('ends each record with CRLF', () => {
    expect(csvRecord(['a', null, 3, 'x,y'])).toBe('a,,3,"x,y"\r\n');
  });

  it('writes ISO 8601 UTC times and every column, without organization columns for org admins', () => {
    const operator = new AuditCsvEncoder(true);
    expect(operator.header()).toBe(
      'id,time,actor_type,actor_id,actor,action,target_type,target_id,target,organization_id,organization,outcome,ip,user_agent,details\r\n',
    );
    expect(operator.rows([row()])).toBe(
      '7,2026-11-26T10:15:30.123Z,person,p-1,ann@example.test,ticket.created,ticket,t-1,Printer on fire,o-1,Acme,success,203.0.113.9,Mozilla/5.0,"{""priority"":""high""}"\r\n',
    );
    const org = new AuditCsvEncoder(false);
    expect(org.header()).not.toContain('organization');
    expect(org.rows([row({ targetLabel: '=cmd|"/c calc"!A1' })])).toContain(`,"'=cmd|""/c calc""!A1",`);
  });

  it('names the file after the UTC day', () => {
    expect(csvFilename(new Date('2026-01-05T23:30:00Z'))).toBe('audit-20260105.csv');
  });

  it('streams the header and each batch, with download headers', async () => {
    const chunks: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const headers: Record<string, string> = {};
    const res = Object.assign(stream, {
      status: jest.fn(),
      setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    }) as unknown as Response;
    async function* batches() {
      yield [row({ id: 3 }), row({ id: 2 })];
      yield [row({ id: 1 })];
    }
    await streamCsv(res, 'audit-20261126.csv', new AuditCsvEncoder(true), batches());
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(headers['content-disposition']).toBe('attachment; filename="audit-20261126.csv"');
    const lines = chunks.join('').split('\r\n');
    expect(lines.map((line) => line.split(',')[0])).toEqual(['id', '3', '2', '1', '']);
  });

  it('cuts the download short when reading fails midway', async () => {
    const stream = new PassThrough();
    stream.resume();
    const res = Object.assign(stream, { status: jest.fn(), setHeader: jest.fn() }) as unknown as Response;
    async function* batches(): AsyncGenerator<AuditExportRow[]> {
      yield [row()];
      throw new Error('disk I/O error');
    }
    await expect(streamCsv(res, 'a.csv', new AuditCsvEncoder(true), batches())).rejects.toThrow('disk I/O error');
    expect(stream.destroyed).toBe(true);
  });
});
