import type { Readable } from 'node:stream';
import { csvOf, type CsvColumn } from './history-csv';

interface Row {
  number: string;
  note: string;
  amountMinor: number;
}

const columns: CsvColumn<Row>[] = [
  { header: 'Number', value: (row) => row.number },
  { header: 'Note', value: (row) => row.note },
  { header: 'Amount', value: (row) => row.amountMinor / 100 },
];

async function textOf(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

describe('csvOf', () => {
  it('writes a header row and one CRLF-ended record per row, quoting what needs it', async () => {
    const text = await textOf(
      csvOf(columns, [
        { number: 'INV-2026-000001', note: 'Seats, 25', amountMinor: 124_975 },
        { number: 'INV-2026-000002', note: 'The "Pro" plan\nrenewed', amountMinor: 0 },
        { number: 'INV-2026-000003', note: 'Müller GmbH', amountMinor: 5 },
      ]),
    );
    expect(text).toBe(
      'Number,Note,Amount\r\n' +
        'INV-2026-000001,"Seats, 25",1249.75\r\n' +
        'INV-2026-000002,"The ""Pro"" plan\nrenewed",0\r\n' +
        'INV-2026-000003,Müller GmbH,0.05\r\n',
    );
  });

  it('puts a quote before text that a spreadsheet would run as a formula, but keeps negative numbers', async () => {
    const notes = ['=HYPERLINK("http://x.example")', '+1', '-2+3', '@SUM(A1)', '\tTab', '\rCR', 'a=b', ''];
    const text = await textOf(
      csvOf(
        columns,
        notes.map((note, i) => ({ number: `CN-${i}`, note, amountMinor: -19_900 })),
      ),
    );
    expect(text.split('\r\n')).toEqual([
      'Number,Note,Amount',
      `CN-0,"'=HYPERLINK(""http://x.example"")",-199`,
      `CN-1,'+1,-199`,
      `CN-2,'-2+3,-199`,
      `CN-3,'@SUM(A1),-199`,
      `CN-4,'\tTab,-199`,
      `CN-5,"'\rCR",-199`,
      'CN-6,a=b,-199',
      'CN-7,,-199',
      '',
    ]);
  });

  it('escapes a negative amount given as text', async () => {
    const text = await textOf(csvOf([{ header: 'Amount', value: (row: number) => String(row) }], [-5]));
    expect(text).toBe("Amount\r\n'-5\r\n");
  });

  it('writes only the header for no rows, and a byte order mark when asked', async () => {
    expect(await textOf(csvOf(columns, []))).toBe('Number,Note,Amount\r\n');
    const withBom = await textOf(csvOf(columns, [], { bom: true }));
    expect(withBom).toBe('\uFEFFNumber,Note,Amount\r\n');
  });

  it('reads rows from an async iterable only as the text is read, and stops reading when the reader does', async () => {
    let pulled = 0;
    let closed = false;
    async function* rows(): AsyncGenerator<Row> {
      try {
        for (let i = 0; i < 100_000; i++) {
          pulled++;
          yield { number: `INV-2026-${String(i).padStart(6, '0')}`, note: 'Renewal', amountMinor: i };
        }
      } finally {
        closed = true;
      }
    }
    const stream = csvOf(columns, rows());
    let text = '';
    for await (const chunk of stream) {
      text += String(chunk);
      if (text.includes('INV-2026-000001')) break; // leaving the loop destroys the stream
    }
    expect(text.startsWith('Number,Note,Amount\r\nINV-2026-000000,Renewal,0\r\nINV-2026-000001,Renewal,0.01')).toBe(
      true,
    );
    expect(pulled).toBeLessThan(5_000);
    expect(stream.destroyed).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(5_000);
  });

  it('ends the stream with the error of the rows', async () => {
    async function* rows(): AsyncGenerator<Row> {
      yield { number: 'INV-2026-000001', note: '', amountMinor: 1 };
      await Promise.resolve();
      throw new Error('database went away');
    }
    await expect(textOf(csvOf(columns, rows()))).rejects.toThrow('database went away');
  });
});
