import { inflateSync } from 'node:zlib';

// Reading back what SeatDesk's PDFs (pdfkit, standard fonts) show, for specs:
// enough of the format for our own files, not a general PDF parser.

/** The streams' contents in file order, inflated where they are deflated. */
function streams(pdf: Buffer): Buffer[] {
  const source = pdf.toString('latin1');
  const found: Buffer[] = [];
  const pattern = /<<((?:(?!>>)[\s\S])*?)>>\s*stream\r?\n/g;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    const start = match.index + match[0].length;
    const end = source.indexOf('endstream', start);
    if (end < 0) break;
    const body = pdf.subarray(start, end);
    found.push(/\/FlateDecode/.test(match[1]) ? inflateSync(body) : body);
    pattern.lastIndex = end;
  }
  return found;
}

/**
 * The text a PDF shows, one string per text operator, in drawing order:
 * pdfkit writes each run as `[<hex> kerning <hex> …] TJ` in WinAnsi, so the
 * hex parts of one operator, joined, are the run. Works on compressed files.
 */
export function pdfTextRuns(pdf: Buffer): string[] {
  const runs: string[] = [];
  for (const content of streams(pdf)) {
    for (const [, body] of content.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const hex = [...body.matchAll(/<([0-9a-fA-F]*)>/g)].map((match) => match[1]).join('');
      runs.push(Buffer.from(hex, 'hex').toString('latin1'));
    }
  }
  return runs;
}

/** The number of pages (the page tree's /Count). */
export function pdfPageCount(pdf: Buffer): number {
  return Number(/\/Type \/Pages\s*\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]);
}

/** A document-information entry written as a plain string object (`/Title 15 0 R` … `15 0 obj (…)`). */
export function pdfInfo(pdf: Buffer, key: string): string | undefined {
  const source = pdf.toString('latin1');
  const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(source)?.[1];
  return ref ? new RegExp(`\\n${ref} 0 obj\\s*\\((.*)\\)\\s*endobj`).exec(source)?.[1] : undefined;
}
