/**
 * Tables for officials' spreadsheets: one column list, written as XLSX (exceljs: bold filled header,
 * frozen header row, filters, percentages as numbers in % format) or as CSV (csv-stringify: UTF-8
 * with BOM so Excel and WPS read Chinese, CRLF). Text that a spreadsheet would take for a formula
 * (starting with = + - @, tab or CR) is neutralised with a leading single quote (CSV injection).
 */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { SHANGHAI_OFFSET_MS, shanghaiDateTime } from '../../core/calendar/civil-date.ts';

export type ColumnKind = 'text' | 'count' | 'rate' | 'instant';

export interface Column {
  readonly header: string;
  readonly kind: ColumnKind;
  readonly width?: number;
}

export type Cell = string | number | null;

export interface Table {
  readonly sheet: string;
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Cell[])[];
}

const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/u;

/** Makes a text cell inert in a spreadsheet: "=HYPERLINK(…)" → "'=HYPERLINK(…)". */
export const neutralise = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

/** An instant cell (ISO text) as Beijing wall-clock time: Excel and WPS have no time zones. */
const isInstant = (kind: ColumnKind, cell: Cell): cell is string => kind === 'instant' && typeof cell === 'string' && !Number.isNaN(Date.parse(cell));

const textOf = (kind: ColumnKind, cell: Cell): string => {
  if (cell === null) return '—';
  if (typeof cell === 'number') return kind === 'rate' ? `${(cell * 100).toFixed(1)}%` : String(cell);
  if (isInstant(kind, cell)) return shanghaiDateTime(cell);
  return neutralise(cell);
};

const xlsxValueOf = (kind: ColumnKind, cell: Cell): string | number | Date => {
  if (cell === null) return kind === 'text' ? '' : '—';
  if (typeof cell === 'number') return cell;
  // A date cell that shows Beijing time: the serial number is the wall clock, as Excel reads it.
  if (isInstant(kind, cell)) return new Date(Date.parse(cell) + SHANGHAI_OFFSET_MS);
  return neutralise(cell);
};

/** CSV: BOM, CRLF, every text cell neutralised; a rate as "66.7%" (Excel and WPS read it as a number). */
export const toCsv = (table: Table): string =>
  stringify(
    [table.columns.map((c) => neutralise(c.header)), ...table.rows.map((row) => row.map((cell, i) => textOf(table.columns[i]!.kind, cell)))],
    { bom: true, record_delimiter: '\r\n', escape_formulas: true },
  );

/** XLSX: one sheet per table, header frozen and filtered, rates as numbers in 0.0% format. */
export const toXlsx = async (tables: readonly Table[], meta: { readonly creator: string; readonly created: Date }): Promise<Uint8Array> => {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = meta.creator;
  workbook.created = meta.created;
  workbook.modified = meta.created;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.sheet, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    sheet.columns = table.columns.map((c) => ({
      header: neutralise(c.header),
      width: c.width ?? (c.kind === 'text' ? 24 : c.kind === 'instant' ? 22 : 12),
      style:
        c.kind === 'rate' ? { numFmt: '0.0%' } : c.kind === 'count' ? { numFmt: '0' } : c.kind === 'instant' ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {},
    }));
    for (const row of table.rows) {
      sheet.addRow(row.map((cell, i) => xlsxValueOf(table.columns[i]!.kind, cell)));
    }
    const header = sheet.getRow(1);
    header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1F4E79' } };
    header.alignment = { vertical: 'middle', wrapText: true };
    header.height = 32;
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } };
  }
  return new Uint8Array(await workbook.xlsx.writeBuffer());
};
