// Node only: the printable sheet as PDF (pdfkit reads the font file from disk).
import PDFDocument from 'pdfkit';
import { QUIET_ZONE, qrMatrix } from './matrix.ts';
import type { QrSheetInput } from './sheet.ts';
import { CELLS_PER_PAGE, SHEET, cellBox, pagesOf, sheetCells } from './sheet.ts';

/** Debian's fonts-noto-cjk; the collection's Simplified Chinese face is embedded (subset: only used glyphs). */
export const DEFAULT_CJK_FONT = { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKsc-Regular' };

const MM = 72 / 25.4;

/**
 * The same sheet as staticQrSheetSvg, as an A4 PDF with the Chinese labels in an embedded CJK font
 * (a PDF viewer on an office PC may have no Chinese font of its own).
 */
export const staticQrSheetPdf = async (input: QrSheetInput, font = DEFAULT_CJK_FONT): Promise<Uint8Array> => {
  const doc = new PDFDocument({ size: 'A4', autoFirstPage: false, margin: 0, info: { Title: input.title ?? '窗口评价码', Creator: 'PingGai 评改通' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font.path, font.name);
  const pages = pagesOf(sheetCells(input));
  pages.forEach((cells, page) => {
    doc.addPage({ size: 'A4', margin: 0 });
    doc.font('cjk').fontSize(14).fillColor('#000');
    doc.text(input.title ?? '政务服务"好差评" 扫码评价', SHEET.margin * MM, SHEET.margin * MM, { lineBreak: false });
    doc.fontSize(10).text(`第 ${page + 1} / ${pages.length} 页`, (SHEET.width - SHEET.margin - 40) * MM, SHEET.margin * MM, {
      width: 40 * MM,
      align: 'right',
      lineBreak: false,
    });
    // Cut lines.
    const first = cellBox(0);
    const last = cellBox(CELLS_PER_PAGE - 1);
    doc.save().lineWidth(0.5).strokeColor('#999').dash(5, { space: 4 });
    for (let c = 0; c <= SHEET.columns; c++) doc.moveTo((first.x + c * first.width) * MM, first.y * MM).lineTo((first.x + c * first.width) * MM, (last.y + last.height) * MM);
    for (let r = 0; r <= SHEET.rows; r++) doc.moveTo(first.x * MM, (first.y + r * first.height) * MM).lineTo((last.x + last.width) * MM, (first.y + r * first.height) * MM);
    doc.stroke().undash().restore();
    cells.forEach((cell, index) => {
      const box = cellBox(index);
      const matrix = qrMatrix(cell.link);
      const module = SHEET.qr / (matrix.size + QUIET_ZONE * 2);
      const qrX = box.x + (box.width - SHEET.qr) / 2;
      const qrY = box.y + 3;
      for (let y = 0; y < matrix.size; y++) {
        for (let x = 0; x < matrix.size; x++) {
          if (matrix.dark(x, y)) doc.rect((qrX + (x + QUIET_ZONE) * module) * MM, (qrY + (y + QUIET_ZONE) * module) * MM, module * MM + 0.05, module * MM + 0.05);
        }
      }
      doc.fill('#000');
      const label = (text: string, size: number, top: number, color = '#000') =>
        doc.fontSize(size).fillColor(color).text(text, box.x * MM, top * MM, { width: box.width * MM, align: 'center', lineBreak: false });
      label(cell.window.name, 14, qrY + SHEET.qr + 1);
      label(cell.hall.name, 10, qrY + SHEET.qr + 7.5);
      label('请扫码评价 · 非常满意 至 非常不满意', 8, qrY + SHEET.qr + 12.5, '#444');
    });
  });
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
};
