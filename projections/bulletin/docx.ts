/**
 * Writes the bulletin as a .docx (Office Open XML) with the `docx` package, in the layout of a
 * government document (公文格式, GB/T 9704): A4, title in 方正小标宋简体 (falling back to 宋体) 二号,
 * body 仿宋_GB2312 三号, first-level headings 黑体 三号, tables 仿宋 五号. Fonts are named, not
 * embedded: Word and WPS substitute the nearest installed font, and the official edits freely.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  ImageRun,
  LineRuleType,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { Block, BulletinContent } from './content.ts';

const BODY_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '仿宋_GB2312' };
const HEADING_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '黑体' };
const TITLE_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '方正小标宋简体' };
const TABLE_FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' };
// Sizes in half-points: 二号 22 pt, 三号 16 pt, 五号 10.5 pt, 小五 9 pt.
const SIZE = { title: 44, body: 32, table: 21, note: 24 } as const;
/** A4 in twips (1/1440 in), with the 公文 margins (上 37 mm, 下 35 mm, 左 28 mm, 右 26 mm). */
const PAGE = { width: 11906, height: 16838, top: 2098, bottom: 1984, left: 1587, right: 1474 } as const;
/** Fixed 28.95 pt line spacing of 公文 body text (22 lines a page). */
const BODY_LINE = { line: 579, lineRule: LineRuleType.EXACT } as const;
const CONTENT_WIDTH_PX = 560;

const bodyParagraph = (text: string): Paragraph =>
  new Paragraph({
    indent: { firstLine: 640 },
    spacing: BODY_LINE,
    alignment: AlignmentType.JUSTIFIED,
    children: [new TextRun({ text, font: BODY_FONT, size: SIZE.body })],
  });

const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' } as const;

const table = (headers: readonly string[], rows: readonly (readonly string[])[]): Table => {
  const cell = (text: string, bold: boolean) =>
    new TableCell({
      children: [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [new TextRun({ text, bold, font: bold ? HEADING_FONT : TABLE_FONT, size: SIZE.table })],
        }),
      ],
    });
  const body = rows.length > 0 ? rows : [headers.map((_, i) => (i === 0 ? '本月无数据' : '—'))];
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: {
      top: border,
      bottom: border,
      left: border,
      right: border,
      insideHorizontal: border,
      insideVertical: border,
    },
    rows: [
      new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }),
      ...body.map((row) => new TableRow({ children: row.map((text) => cell(text, false)) })),
    ],
  });
};

const blockToDocx = (block: Block): (Paragraph | Table)[] => {
  switch (block.kind) {
    case 'heading':
      return [
        new Paragraph({
          indent: { firstLine: 640 },
          spacing: BODY_LINE,
          children: [new TextRun({ text: block.text, font: HEADING_FONT, size: SIZE.body })],
        }),
      ];
    case 'paragraph':
      return [bodyParagraph(block.text)];
    case 'table':
      return [table(block.headers, block.rows), new Paragraph({ children: [] })];
    case 'chart': {
      const height = Math.round((CONTENT_WIDTH_PX * block.chart.height) / block.chart.width);
      return [
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [
            new ImageRun({
              type: 'png',
              data: block.chart.png,
              transformation: { width: CONTENT_WIDTH_PX, height },
              altText: { name: block.caption, title: block.caption, description: block.chart.title },
            }),
          ],
        }),
        new Paragraph({
          alignment: AlignmentType.CENTER,
          children: [new TextRun({ text: block.caption, font: HEADING_FONT, size: SIZE.table })],
        }),
      ];
    }
    case 'note':
      return [
        new Paragraph({
          spacing: { before: 120 },
          children: [new TextRun({ text: block.text, font: BODY_FONT, size: SIZE.note })],
        }),
      ];
    default: {
      const never: never = block;
      throw new Error(`unknown block ${JSON.stringify(never)}`);
    }
  }
};

export const bulletinDocx = async (content: BulletinContent): Promise<Uint8Array> => {
  const document = new Document({
    title: content.title,
    creator: 'PingGai 评改通',
    description: '政务服务“好差评”月度通报',
    styles: { default: { document: { run: { font: BODY_FONT, size: SIZE.body } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height },
            margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right },
          },
        },
        children: [
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 240 },
            children: [new TextRun({ text: content.title, font: TITLE_FONT, size: SIZE.title })],
          }),
          new Paragraph({
            alignment: AlignmentType.CENTER,
            spacing: { after: 360 },
            children: [new TextRun({ text: content.subtitle, font: BODY_FONT, size: SIZE.body })],
          }),
          ...content.blocks.flatMap(blockToDocx),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toBuffer(document));
};
