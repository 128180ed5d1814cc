import PDFDocument from 'pdfkit';
import type { InvoiceDocument } from './invoice-document';
import { invoiceView, type InvoicePartyView, type InvoiceView } from './invoice.view';

// An issued invoice or credit note as an A4 PDF. Only the PDF standard font
// Helvetica is used: pdfkit carries its metrics in its own code, so nothing
// is read from disk or fetched while rendering, and no font is embedded.
// Every string comes from invoiceView, the same text the printable page shows.

type Pdf = PDFKit.PDFDocument;

const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const INK = '#000000';
const MUTED = '#4b5563';
const RULE = '#9ca3af';
const STAMP_COLOR: Record<'PAID' | 'VOID', string> = { PAID: '#1c6b2e', VOID: '#a51c1c' };

const MARGIN = { top: 50, left: 50, right: 50, bottom: 60 };
/** The page number line sits in the bottom margin, this far above the edge. */
const FOOTER_FROM_BOTTOM = 36;
/** A description longer than this is cut with an ellipsis rather than running off the page. */
const MAX_ROW_HEIGHT = 300;
const CELL_PAD = 4;

// The standard fonts write WinAnsi (Windows-1252): Latin-1 plus these.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
// Letters NFKD does not take apart into a base letter and a mark.
const FOLDED: Record<string, string> = {
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
  ŀ: 'l',
  Ŀ: 'L',
  ŋ: 'n',
  Ŋ: 'N',
  ſ: 's',
  '\u2212': '-',
  '\u2009': ' ',
  '\u202f': ' ',
};

const encodable = (ch: string): boolean => {
  const code = ch.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch);
};

/**
 * The text as the standard fonts can write it: characters outside WinAnsi
 * lose their accents ("Łódź" → "Lódz", "Dvořák" → "Dvorák") or become "?";
 * control characters become spaces (line breaks are kept). Without this,
 * pdfkit would write a broken string for them.
 */
export function pdfText(text: string): string {
  let out = '';
  for (const ch of text) {
    if (ch === '\n' || encodable(ch)) out += ch;
    else if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(ch)) out += ' ';
    else {
      const folded = FOLDED[ch] ?? ch.normalize('NFKD').replace(/\p{M}/gu, '');
      out += folded !== '' && [...folded].every(encodable) ? folded : '?';
    }
  }
  return out;
}

export interface InvoicePdfOptions {
  /** Deflate the page contents (default true); tests read them uncompressed. */
  compress?: boolean;
}

/** The invoice or credit note as a PDF file. The same document gives the same bytes. */
export function renderInvoicePdf(doc: InvoiceDocument, options: InvoicePdfOptions = {}): Promise<Buffer> {
  const view = invoiceView(doc);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    compress: options.compress ?? true,
    bufferPages: true,
    displayTitle: true,
    lang: 'en',
    font: REGULAR,
    info: {
      Title: doc.number,
      Subject: view.title,
      Author: view.seller.name,
      Creator: 'SeatDesk',
      Producer: 'SeatDesk',
      // The issue time rather than now: the file (and its ID) is the same on every download.
      CreationDate: new Date(doc.issuedAt),
    },
  });
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    try {
      drawDocument(pdf, view);
      pdf.end();
    } catch (error: unknown) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

interface Frame {
  left: number;
  width: number;
  top: number;
  /** The lowest y the body may reach. */
  bottom: number;
}

function frameOf(pdf: Pdf): Frame {
  const { margins, width, height } = pdf.page;
  return {
    left: margins.left,
    width: width - margins.left - margins.right,
    top: margins.top,
    bottom: height - margins.bottom,
  };
}

function drawDocument(pdf: Pdf, view: InvoiceView): void {
  const frame = frameOf(pdf);
  const half = frame.width / 2 - 10;
  const right = frame.left + frame.width - half;

  const sellerEnd = drawParty(pdf, view.seller, frame.left, frame.top, half, 14);
  const headingEnd = drawHeading(pdf, view, right, frame.top, half);

  const buyerTop = Math.max(sellerEnd, headingEnd) + 24;
  pdf.font(BOLD).fontSize(9).fillColor(MUTED);
  pdf.text(view.creditNote ? 'CREDIT TO' : 'BILL TO', frame.left, buyerTop, { width: half, characterSpacing: 0.5 });
  const buyerEnd = drawParty(pdf, view.buyer, frame.left, pdf.y + 2, half, 11, view.buyer.poReference);
  if (view.statusMark) drawStamp(pdf, view.statusMark, right, buyerTop, half);

  const linesEnd = drawLines(pdf, view, frame, buyerEnd + 28);
  drawTotals(pdf, view, frame, linesEnd + 8);
  drawFooters(pdf, view);
}

/** Name, address lines, tax id, email (and the PO reference for the buyer); returns the y below. */
function drawParty(
  pdf: Pdf,
  party: InvoicePartyView,
  x: number,
  y: number,
  width: number,
  nameSize: number,
  poReference: string | null = null,
): number {
  pdf.font(BOLD).fontSize(nameSize).fillColor(INK).text(pdfText(party.name), x, y, { width });
  pdf.font(REGULAR).fontSize(9.5).fillColor(INK);
  pdf.moveDown(0.2);
  for (const line of party.addressLines) pdf.text(pdfText(line), { width });
  if (party.taxId || party.email || poReference) pdf.moveDown(0.4);
  if (party.taxId) pdf.text(pdfText(`Tax ID: ${party.taxId}`), { width });
  if (party.email) pdf.text(pdfText(party.email), { width });
  if (poReference) pdf.text(pdfText(`PO reference: ${poReference}`), { width });
  return pdf.y;
}

/** "Invoice" and its number, dates and status, right-aligned; returns the y below. */
function drawHeading(pdf: Pdf, view: InvoiceView, x: number, y: number, width: number): number {
  pdf.font(BOLD).fontSize(22).fillColor(INK).text(view.kindLabel, x, y, { width, align: 'right' });
  pdf.font(BOLD).fontSize(11).text(view.number, { width, align: 'right' });
  pdf.moveDown(0.5);
  const facts: [string, string | null][] = [
    ['Issue date', view.issuedDate],
    ['Due date', view.dueDate],
    ['Credits invoice', view.creditsNumber],
    ['Status', view.statusLabel],
    ['Paid on', view.paidDate],
  ];
  pdf.font(REGULAR).fontSize(9.5);
  for (const [label, value] of facts) {
    if (value !== null) pdf.text(`${label}: ${pdfText(value)}`, { width, align: 'right' });
  }
  return pdf.y;
}

/** "PAID" or "VOID" in a tilted frame, right-aligned in the given column. */
function drawStamp(pdf: Pdf, mark: 'PAID' | 'VOID', x: number, y: number, width: number): void {
  const color = STAMP_COLOR[mark];
  pdf.font(BOLD).fontSize(28);
  const textWidth = pdf.widthOfString(mark, { characterSpacing: 3 });
  const boxWidth = textWidth + 24;
  const boxHeight = 42;
  const boxX = x + width - boxWidth - 10;
  const boxY = y + 8;
  pdf.save();
  pdf.rotate(-12, { origin: [boxX + boxWidth / 2, boxY + boxHeight / 2] });
  pdf.lineWidth(2.5).strokeColor(color).rect(boxX, boxY, boxWidth, boxHeight).stroke();
  pdf.fillColor(color).text(mark, boxX + 12, boxY + 9, { width: textWidth + 4, characterSpacing: 3, lineBreak: false });
  pdf.restore();
  pdf.fillColor(INK).strokeColor(INK);
}

interface Column {
  label: string;
  width: number;
  align: 'left' | 'right';
}

function columnsOf(frame: Frame): Column[] {
  const quantity = 45;
  const money = 105;
  return [
    { label: 'Description', width: frame.width - quantity - 2 * money, align: 'left' },
    { label: 'Qty', width: quantity, align: 'right' },
    { label: 'Unit price', width: money, align: 'right' },
    { label: 'Amount', width: money, align: 'right' },
  ];
}

function drawTableHeader(pdf: Pdf, frame: Frame, columns: Column[], y: number): number {
  pdf.font(BOLD).fontSize(9).fillColor(MUTED);
  let x = frame.left;
  for (const column of columns) {
    pdf.text(column.label, x + CELL_PAD, y, {
      width: column.width - 2 * CELL_PAD,
      align: column.align,
      lineBreak: false,
    });
    x += column.width;
  }
  const below = y + 14;
  pdf
    .moveTo(frame.left, below)
    .lineTo(frame.left + frame.width, below)
    .lineWidth(1)
    .strokeColor(INK)
    .stroke();
  return below + 5;
}

/** The lines table, starting a new page (with the header again) when the next row does not fit. */
function drawLines(pdf: Pdf, view: InvoiceView, frame: Frame, startY: number): number {
  const columns = columnsOf(frame);
  const descriptionWidth = columns[0].width - 2 * CELL_PAD;
  let y = drawTableHeader(pdf, frame, columns, startY);
  for (const line of view.lines) {
    const description = pdfText(line.description);
    pdf.font(REGULAR).fontSize(9.5);
    const textHeight = Math.min(pdf.heightOfString(description, { width: descriptionWidth }), MAX_ROW_HEIGHT);
    const rowHeight = Math.max(textHeight, pdf.currentLineHeight(true)) + 2 * CELL_PAD;
    if (y + rowHeight > frame.bottom) {
      pdf.addPage();
      continuedCaption(pdf, view, frame);
      y = drawTableHeader(pdf, frame, columns, frame.top + 20);
    }
    pdf.font(REGULAR).fontSize(9.5).fillColor(INK);
    const cells = [description, line.quantity, line.unitPrice, line.amount];
    let x = frame.left;
    columns.forEach((column, index) => {
      pdf.text(cells[index], x + CELL_PAD, y + CELL_PAD, {
        width: column.width - 2 * CELL_PAD,
        align: column.align,
        ...(index === 0 ? { height: MAX_ROW_HEIGHT, ellipsis: true } : { lineBreak: false }),
      });
      x += column.width;
    });
    y += rowHeight;
    pdf
      .moveTo(frame.left, y)
      .lineTo(frame.left + frame.width, y)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke();
  }
  return y;
}

/** "Invoice INV-2026-000123 (continued)" at the top of every page after the first. */
function continuedCaption(pdf: Pdf, view: InvoiceView, frame: Frame): void {
  pdf.font(REGULAR).fontSize(9).fillColor(MUTED);
  pdf.text(`${pdfText(view.title)} (continued)`, frame.left, frame.top, { width: frame.width, lineBreak: false });
}

/** Subtotal, tax with its rate, total: kept together, on a new page when they do not fit. */
function drawTotals(pdf: Pdf, view: InvoiceView, frame: Frame, startY: number): void {
  const rows: [string, string, boolean][] = [
    ['Subtotal', view.subtotal, false],
    [view.taxLabel, view.tax, false],
    ['Total', view.total, true],
  ];
  const rowHeight = 18;
  let y = startY;
  if (y + rows.length * rowHeight + 10 > frame.bottom) {
    pdf.addPage();
    continuedCaption(pdf, view, frame);
    y = frame.top + 20;
  }
  const valueWidth = 130;
  const labelWidth = 150;
  const valueX = frame.left + frame.width - valueWidth;
  const labelX = valueX - labelWidth;
  for (const [label, value, strong] of rows) {
    if (strong) {
      pdf
        .moveTo(labelX, y)
        .lineTo(frame.left + frame.width, y)
        .lineWidth(1)
        .strokeColor(INK)
        .stroke();
      y += 4;
    }
    pdf
      .font(strong ? BOLD : REGULAR)
      .fontSize(strong ? 11 : 9.5)
      .fillColor(INK);
    pdf.text(label, labelX, y, { width: labelWidth - CELL_PAD, align: 'right', lineBreak: false });
    pdf.text(value, valueX, y, { width: valueWidth - CELL_PAD, align: 'right', lineBreak: false });
    y += rowHeight;
  }
}

/** "Invoice INV-2026-000123 · Page 2 of 3" at the foot of every page. */
function drawFooters(pdf: Pdf, view: InvoiceView): void {
  const { start, count } = pdf.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    pdf.switchToPage(index);
    const frame = frameOf(pdf);
    const bottomMargin = pdf.page.margins.bottom;
    // Writing inside the bottom margin would otherwise start a new page.
    pdf.page.margins.bottom = 0;
    pdf
      .font(REGULAR)
      .fontSize(8)
      .fillColor(MUTED)
      .text(
        `${pdfText(view.title)} · Page ${index - start + 1} of ${count}`,
        frame.left,
        pdf.page.height - FOOTER_FROM_BOTTOM,
        {
          width: frame.width,
          align: 'center',
          lineBreak: false,
        },
      );
    pdf.page.margins.bottom = bottomMargin;
  }
}
