// Node only: the audit timeline as an A4 PDF (pdfkit reads the CJK font file from disk).
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import { shanghaiDateTime } from '../calendar/civil-date.ts';
import { DomainError } from '../shared/errors.ts';
import type { Timeline, TimelineStep } from './timeline.ts';
import { deadlineStatusText } from './timeline.ts';

export interface CjkFont {
  readonly path: string;
  /** The face inside a collection (.ttc); absent for a single-face file. */
  readonly name?: string;
}

/** Debian's fonts-noto-cjk (Sans, then Serif), Simplified Chinese face. `PINGGAI_CJK_FONT` names another file. */
const candidates: readonly CjkFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', name: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', name: 'NotoSerifCJKsc-Regular' },
];

/** The first CJK font found on this machine, or a 503 that says what to install. */
export const findCjkFont = (env: Readonly<Record<string, string | undefined>> = process.env): CjkFont => {
  const configured = env['PINGGAI_CJK_FONT'];
  const looked = configured ? [{ path: configured }] : candidates;
  const found = looked.find((font) => existsSync(font.path));
  if (found) return found;
  throw new DomainError('PDF_FONT_MISSING', `无法生成 PDF:找不到中文字体(已查找 ${looked.map((f) => f.path).join(', ')}),请安装 fonts-noto-cjk`, {
    status: 503,
    details: { en: `Cannot render the PDF: no CJK font at ${looked.map((f) => f.path).join(', ')}. Install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) or set PINGGAI_CJK_FONT to a .ttf/.otf/.ttc file.` },
  });
};

/** 2026-03-03 10:00:00 (北京时间) */
const beijing = (iso: string | null): string => (iso === null ? '—' : shanghaiDateTime(iso));

const actorLine = (step: TimelineStep): string =>
  step.actor === null ? '系统 / system' : [step.actor.id, step.actor.role ?? '—', step.actor.department].filter(Boolean).join(' · ');

/**
 * The timeline as a PDF with the Chinese text in an embedded (subset) CJK font: a title, the deadline
 * summary, then one block per step (what, when, who, details, evidence hashes, deadlines in force,
 * configuration changes). Times are Beijing time.
 */
export const timelinePdf = async (timeline: Timeline, font: CjkFont = findCjkFont()): Promise<Uint8Array> => {
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: timeline.title['zh-CN'], Creator: 'PingGai 评改通', Subject: `${timeline.subject.kind} ${timeline.subject.id}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  if (font.name) doc.registerFont('cjk', font.path, font.name);
  else doc.registerFont('cjk', font.path);
  const para = (value: string, size = 9, color = '#000', indent = 0) => doc.font('cjk').fontSize(size).fillColor(color).text(value, { indent });

  para(timeline.title['zh-CN'], 16);
  para(timeline.title.en, 10, '#444');
  doc.moveDown(0.5);
  para(`对象 Subject: ${timeline.subject.kind} ${timeline.subject.id}`);
  para(`事件流 Streams: ${timeline.streams.join(', ')}`);
  para(`生成时间 As of: ${beijing(timeline.asOf)}(北京时间 Beijing time) · 共 ${timeline.steps.length} 步 steps`);
  doc.moveDown(0.5);
  para('时限 Deadlines', 12);
  if (timeline.deadlines.length === 0) para('—');
  for (const d of timeline.deadlines) {
    const status = deadlineStatusText[d.status];
    para(`${d.what['zh-CN']} (${d.what.en}): 到期 due ${beijing(d.dueAt)} · 完成 done ${beijing(d.resolvedAt)} · ${status['zh-CN']} ${status.en}`, 9, d.status === 'missed' || d.status === 'overdue' ? '#b42318' : '#000');
  }
  doc.moveDown(0.5);
  para('全过程 Steps', 12);
  for (const step of timeline.steps) {
    doc.moveDown(0.4);
    para(`${step.step}. ${step.what['zh-CN']} / ${step.what.en}`, 11);
    para(`时间 When: ${beijing(step.at)} · 操作人 Who: ${actorLine(step)} · 事件 Event: ${step.type} #${step.streamVersion} (${step.streamId})`, 8, '#444', 12);
    for (const detail of step.details) para(`${detail.label['zh-CN']} ${detail.label.en}: ${detail.value}`, 9, '#000', 12);
    for (const evidence of step.evidence) para(`凭证 Evidence: sha256 ${evidence.sha256} (${evidence.mediaType})`, 8, '#000', 12);
    for (const d of step.deadlines) {
      const state = deadlineStatusText[d.state];
      para(`时限 Deadline: ${d.what['zh-CN']} ${beijing(d.dueAt)} — ${state['zh-CN']} ${state.en}`, 8, d.state === 'missed' || d.state === 'overdue' ? '#b42318' : '#444', 12);
    }
    for (const change of step.changes ?? []) para(`变更 Changed ${change.path}: ${change.from ?? '—'} → ${change.to ?? '—'}`, 8, '#000', 12);
  }
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
};
