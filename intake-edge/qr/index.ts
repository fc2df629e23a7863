// QR codes for evaluation (扫码评价): the per-case code for a window screen and printable sheets of
// static window codes. Plain data in, SVG out (Web-standard); the PDF export is in sheet-pdf.node.ts.
export { caseQrSvg } from './case-qr.ts';
export type { QrHall, QrSheetCell, QrSheetInput, QrWindow } from './sheet.ts';
export { CELLS_PER_PAGE, sheetCells, staticQrSheetSvg } from './sheet.ts';
