import { QUIET_ZONE, escapeXml, qrMatrix, qrPath } from './matrix.ts';

/** A window (窗口) of a hall, with the names printed under its code. */
export interface QrWindow {
  readonly id: string;
  readonly name: string;
}

/** A service hall (大厅) and its windows. */
export interface QrHall {
  readonly id: string;
  readonly name: string;
  readonly windows: readonly QrWindow[];
}

export interface QrSheetInput {
  readonly halls: readonly QrHall[];
  /** The static link of one window, e.g. `${baseUrl}/q/${hall.id}/${window.id}` (built by intake). */
  readonly linkFor: (hall: QrHall, window: QrWindow) => string;
  /** Printed in each page's header, e.g. '政务服务"好差评"扫码评价'. */
  readonly title?: string;
}

/** One printable cell: what the sheet and the PDF both lay out. */
export interface QrSheetCell {
  readonly hall: QrHall;
  readonly window: QrWindow;
  readonly link: string;
}

/** A4 portrait in millimetres, 3 × 4 codes per page, each cell cut out along dashed lines. */
export const SHEET = { width: 210, height: 297, margin: 12, header: 12, columns: 3, rows: 4, qr: 44 } as const;
export const CELLS_PER_PAGE = SHEET.columns * SHEET.rows;

export const sheetCells = (input: QrSheetInput): QrSheetCell[] =>
  input.halls.flatMap((hall) => hall.windows.map((window) => ({ hall, window, link: input.linkFor(hall, window) })));

export const pagesOf = <T>(cells: readonly T[]): T[][] => {
  const pages: T[][] = [];
  for (let i = 0; i < cells.length; i += CELLS_PER_PAGE) pages.push(cells.slice(i, i + CELLS_PER_PAGE));
  return pages;
};

/** Cell geometry (mm) of position `index` on a page. */
export const cellBox = (index: number) => {
  const cellWidth = (SHEET.width - SHEET.margin * 2) / SHEET.columns;
  const cellHeight = (SHEET.height - SHEET.margin * 2 - SHEET.header) / SHEET.rows;
  const column = index % SHEET.columns;
  const row = Math.floor(index / SHEET.columns);
  return { x: SHEET.margin + column * cellWidth, y: SHEET.margin + SHEET.header + row * cellHeight, width: cellWidth, height: cellHeight };
};

const FONT = `font-family="'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"`;

const cellSvg = (cell: QrSheetCell, index: number): string => {
  const box = cellBox(index);
  const matrix = qrMatrix(cell.link);
  const extent = matrix.size + QUIET_ZONE * 2;
  const qrX = box.x + (box.width - SHEET.qr) / 2;
  const qrY = box.y + 3;
  const centre = box.x + box.width / 2;
  return (
    `<g><svg x="${qrX.toFixed(2)}" y="${qrY.toFixed(2)}" width="${SHEET.qr}" height="${SHEET.qr}" viewBox="0 0 ${extent} ${extent}" shape-rendering="crispEdges">` +
    `<path fill="#000" d="${qrPath(matrix)}"/></svg>` +
    `<text x="${centre.toFixed(2)}" y="${(qrY + SHEET.qr + 5).toFixed(2)}" font-size="5" font-weight="bold" text-anchor="middle" ${FONT}>${escapeXml(cell.window.name)}</text>` +
    `<text x="${centre.toFixed(2)}" y="${(qrY + SHEET.qr + 10).toFixed(2)}" font-size="3.6" text-anchor="middle" ${FONT}>${escapeXml(cell.hall.name)}</text>` +
    `<text x="${centre.toFixed(2)}" y="${(qrY + SHEET.qr + 14).toFixed(2)}" font-size="2.8" fill="#444" text-anchor="middle" ${FONT}>请扫码评价 · 非常满意 至 非常不满意</text></g>`
  );
};

/** Dashed cut lines (裁切线) along every cell edge of the page. */
const cutLines = (): string => {
  const first = cellBox(0);
  const last = cellBox(CELLS_PER_PAGE - 1);
  const right = last.x + last.width;
  const bottom = last.y + last.height;
  const lines: string[] = [];
  for (let c = 0; c <= SHEET.columns; c++) {
    const x = (first.x + c * first.width).toFixed(2);
    lines.push(`M${x} ${first.y.toFixed(2)}V${bottom.toFixed(2)}`);
  }
  for (let r = 0; r <= SHEET.rows; r++) {
    const y = (first.y + r * first.height).toFixed(2);
    lines.push(`M${first.x.toFixed(2)} ${y}H${right.toFixed(2)}`);
  }
  return `<path d="${lines.join('')}" fill="none" stroke="#999" stroke-width="0.2" stroke-dasharray="2 1.5"/>`;
};

/**
 * The printable sheet of static window codes (窗口评价码), one SVG per A4 page (width/height in mm, so
 * a browser prints them at true size), each code labelled with its window and hall in Chinese.
 */
export const staticQrSheetSvg = (input: QrSheetInput): string[] => {
  const pages = pagesOf(sheetCells(input));
  const title = escapeXml(input.title ?? '政务服务"好差评" 扫码评价');
  return pages.map(
    (cells, page) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${SHEET.width}mm" height="${SHEET.height}mm" viewBox="0 0 ${SHEET.width} ${SHEET.height}">` +
      `<rect width="${SHEET.width}" height="${SHEET.height}" fill="#fff"/>` +
      `<text x="${SHEET.margin}" y="${SHEET.margin + 6}" font-size="5" ${FONT}>${title}</text>` +
      `<text x="${SHEET.width - SHEET.margin}" y="${SHEET.margin + 6}" font-size="3.5" text-anchor="end" ${FONT}>第 ${page + 1} / ${pages.length} 页</text>` +
      cutLines() +
      cells.map(cellSvg).join('') +
      `</svg>`,
  );
};
