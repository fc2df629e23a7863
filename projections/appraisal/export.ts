import { shanghaiDateTime } from '../../core/calendar/civil-date.ts';
import type { Rate } from '../metrics/definitions.ts';
import type { Scorecard, ScorecardLine } from '../queries/scorecards.ts';
import type { ScorecardEvidence } from './evidence.ts';
import type { Cell, Column, Table } from './table.ts';
import { toCsv, toXlsx } from './table.ts';

export type ExportLang = 'zh-CN' | 'en';

const t = (lang: ExportLang, zh: string, en: string): string => (lang === 'en' ? en : zh);

const unitNames = {
  department: { zh: '部门', en: 'Department' },
  window: { zh: '窗口', en: 'Window' },
  staff: { zh: '人员', en: 'Staff' },
} as const;

const metricNames: Record<string, { zh: string; en: string }> = {
  good_rate: { zh: '好评率', en: 'Good rate' },
  satisfied_rate: { zh: '满意率', en: 'Satisfied rate' },
  negative_rate: { zh: '差评率', en: 'Negative rate' },
  rectification_completion_rate: { zh: '整改完成率', en: 'Rectification completion' },
  on_time_dispatch_rate: { zh: '按时派单率', en: 'On-time dispatch' },
  on_time_reply_rate: { zh: '按时答复率', en: 'On-time reply' },
  award_eligible: { zh: '评先资格', en: 'Award eligibility' },
};

type Labels = Readonly<Record<string, { readonly zh: string; readonly en: string }>>;

// The same words as the console's (console/web/i18n): a spreadsheet shows what the screen shows.
const channelNames: Labels = {
  sms: { zh: '短信链接', en: 'SMS link' },
  qr_case: { zh: '办件二维码', en: 'Case QR code' },
  qr_static: { zh: '窗口二维码', en: 'Window QR code' },
  online: { zh: '线上', en: 'Online' },
  offline: { zh: '线下', en: 'Offline' },
};
const phaseNames: Labels = {
  awaiting_dispatch: { zh: '待派单', en: 'Awaiting dispatch' },
  awaiting_reply: { zh: '待答复', en: 'Awaiting reply' },
  awaiting_callback: { zh: '待回访', en: 'Awaiting call-back' },
  closed: { zh: '已办结', en: 'Closed' },
};
const outcomeNames: Labels = {
  rectified: { zh: '整改到位', en: 'Rectified' },
  appeal_upheld: { zh: '申诉成立', en: 'Appeal upheld' },
};
const appealNames: Labels = {
  none: { zh: '无申诉', en: 'No appeal' },
  pending: { zh: '申诉待复核', en: 'Appeal pending' },
  upheld: { zh: '申诉成立', en: 'Appeal upheld' },
  rejected: { zh: '申诉驳回', en: 'Appeal rejected' },
};
const rectificationNames: Labels = {
  rectified: { zh: '已整改', en: 'Rectified' },
  unrectified: { zh: '未整改', en: 'Not rectified' },
  pending: { zh: '整改期内', en: 'Within time' },
};
/** A code in the user's words; a code this version does not know stays as it is. */
const label = (lang: ExportLang, names: Labels, code: string | null): string | null => {
  if (code === null) return null;
  const name = names[code];
  return name ? t(lang, name.zh, name.en) : code;
};

/** A rate as three columns: the rate (a number, % format), then the counts behind it. */
const rateColumns = (lang: ExportLang, zh: string, en: string, numZh: string, numEn: string, denZh: string, denEn: string): Column[] => [
  { header: t(lang, zh, en), kind: 'rate' },
  { header: t(lang, numZh, numEn), kind: 'count' },
  { header: t(lang, denZh, denEn), kind: 'count' },
];
const rateCells = (r: Rate): Cell[] => [r.value, r.numerator, r.denominator];

const overrideText = (lang: ExportLang, line: ScorecardLine): string =>
  Object.values(line.overrides)
    .map((o) => {
      const name = metricNames[o.metric] ?? { zh: o.metric, en: o.metric };
      const shown = o.metric === 'award_eligible' ? (o.value === 1 ? t(lang, '保留', 'kept') : t(lang, '取消', 'withdrawn')) : `${(o.value * 100).toFixed(1)}%`;
      return `${t(lang, name.zh, name.en)} → ${shown}(${t(lang, '理由', 'reason')}:${o.reason};${o.actor.id};${shanghaiDateTime(o.at)})`;
    })
    .join('\n');

/** The scorecard as one table: every rate with the counts behind it, 评先资格 with its causes, overrides beside. */
export const scorecardTable = (card: Scorecard, lang: ExportLang = 'zh-CN'): Table => {
  const unit = unitNames[card.unitKind];
  const columns: Column[] = [
    { header: t(lang, `${unit.zh}代码`, `${unit.en} code`), kind: 'text', width: 14 },
    { header: t(lang, `${unit.zh}名称`, `${unit.en} name`), kind: 'text' },
    { header: t(lang, '评价数', 'Ratings'), kind: 'count' },
    { header: t(lang, '非常满意', 'Very satisfied'), kind: 'count' },
    { header: t(lang, '满意', 'Satisfied'), kind: 'count' },
    { header: t(lang, '基本满意', 'Fairly satisfied'), kind: 'count' },
    { header: t(lang, '不满意', 'Dissatisfied'), kind: 'count' },
    { header: t(lang, '非常不满意', 'Very dissatisfied'), kind: 'count' },
    { header: t(lang, '申诉成立剔除评价数', 'Ratings excluded by upheld appeals'), kind: 'count' },
    ...rateColumns(lang, '好评率', 'Good rate', '好评数', 'Good ratings', '评价数', 'Ratings'),
    ...rateColumns(lang, '满意率', 'Satisfied rate', '满意数', 'Satisfied ratings', '评价数', 'Ratings'),
    ...rateColumns(lang, '差评率', 'Negative rate', '差评数', 'Negative ratings', '评价数', 'Ratings'),
    { header: t(lang, '预警数', 'Warnings'), kind: 'count' },
    ...rateColumns(lang, '整改完成率', 'Rectification completion rate', '整改到位数', 'Rectified', '预警数', 'Warnings'),
    ...rateColumns(lang, '按时派单率', 'On-time dispatch rate', '按时派单数', 'Dispatched on time', '应派单数', 'Due for dispatch'),
    ...rateColumns(lang, '按时答复率', 'On-time reply rate', '按时答复轮次', 'Replies on time', '应答复轮次', 'Replies due'),
    { header: t(lang, '重新整改次数', 'Reopenings'), kind: 'count' },
    { header: t(lang, '申诉成立数', 'Appeals upheld'), kind: 'count' },
    { header: t(lang, '最长连续未整改', 'Longest unrectified run'), kind: 'count' },
    { header: t(lang, '评先资格', 'Award eligibility'), kind: 'text', width: 14 },
    { header: t(lang, '取消依据(预警)', 'Warnings behind the loss'), kind: 'text', width: 40 },
    { header: t(lang, '人工调整', 'Overrides'), kind: 'text', width: 60 },
  ];
  const rows = card.rows.map((line): Cell[] => [
    line.unit,
    line.label,
    line.rated,
    line.levels[5],
    line.levels[4],
    line.levels[3],
    line.levels[2],
    line.levels[1],
    line.excludedRatings,
    ...rateCells(line.goodRate),
    ...rateCells(line.satisfiedRate),
    ...rateCells(line.negativeRate),
    line.warnings,
    ...rateCells(line.rectificationCompletionRate),
    ...rateCells(line.onTimeDispatchRate),
    ...rateCells(line.onTimeReplyRate),
    line.reopenings,
    line.appealsUpheld,
    line.eligibility.longestRun,
    line.eligibility.eligible ? t(lang, '保留', 'eligible') : t(lang, '取消评先资格', 'ineligible'),
    line.eligibility.causes.join(', '),
    overrideText(lang, line),
  ]);
  return { sheet: t(lang, `${unit.zh}考核`, `${unit.en} scorecard`), columns, rows };
};

/** The ratings or warnings behind a number, as a table (comments included, neutralised on export). */
export const evidenceTable = (evidence: ScorecardEvidence, lang: ExportLang = 'zh-CN'): Table => {
  if (evidence.ratings.length > 0 || evidence.warnings.length === 0) {
    return {
      sheet: t(lang, '评价明细', 'Ratings'),
      columns: [
        { header: t(lang, '评价编号', 'Rating id'), kind: 'text', width: 38 },
        { header: t(lang, '评价时间(北京时间)', 'Submitted at (Beijing time)'), kind: 'instant' },
        { header: t(lang, '评价等级', 'Level'), kind: 'count' },
        { header: t(lang, '渠道', 'Channel'), kind: 'text', width: 10 },
        { header: t(lang, '窗口', 'Window'), kind: 'text' },
        { header: t(lang, '事项', 'Matter'), kind: 'text' },
        { header: t(lang, '评价内容', 'Comment'), kind: 'text', width: 50 },
        { header: t(lang, '申诉成立剔除', 'Excluded by appeal'), kind: 'text', width: 10 },
        { header: t(lang, '计入分子', 'Numerator'), kind: 'count' },
        { header: t(lang, '计入分母', 'Denominator'), kind: 'count' },
      ],
      rows: evidence.ratings.map((r) => [
        r.ratingId,
        r.submittedAt,
        r.level,
        label(lang, channelNames, r.channel),
        `${r.hallName} · ${r.windowName}`,
        r.matterName,
        r.comment,
        r.excludedByAppeal ? t(lang, '是', 'yes') : t(lang, '否', 'no'),
        r.numerator,
        r.denominator,
      ]),
    };
  }
  return {
    sheet: t(lang, '预警明细', 'Warnings'),
    columns: [
      { header: t(lang, '预警编号', 'Warning id'), kind: 'text', width: 30 },
      { header: t(lang, '预警时间(北京时间)', 'Raised at (Beijing time)'), kind: 'instant' },
      { header: t(lang, '阶段', 'Phase'), kind: 'text', width: 16 },
      { header: t(lang, '结果', 'Outcome'), kind: 'text', width: 14 },
      { header: t(lang, '关闭时间(北京时间)', 'Closed at (Beijing time)'), kind: 'instant' },
      { header: t(lang, '重新整改次数', 'Reopenings'), kind: 'count' },
      { header: t(lang, '申诉', 'Appeal'), kind: 'text', width: 10 },
      { header: t(lang, '整改认定', 'Rectification'), kind: 'text', width: 12 },
      { header: t(lang, '导致取消评先', 'Causes ineligibility'), kind: 'text', width: 10 },
      { header: t(lang, '计入分子', 'Numerator'), kind: 'count' },
      { header: t(lang, '计入分母', 'Denominator'), kind: 'count' },
    ],
    rows: evidence.warnings.map((w) => [
      w.warningId,
      w.raisedAt,
      label(lang, phaseNames, w.phase),
      label(lang, outcomeNames, w.outcome),
      w.closedAt,
      w.reopenings,
      label(lang, appealNames, w.appealStatus),
      label(lang, rectificationNames, w.rectification),
      w.causesIneligibility ? t(lang, '是', 'yes') : '',
      w.numerator,
      w.denominator,
    ]),
  };
};

/** A note sheet: which period, as of when, under which rules, so a printed scorecard explains itself. */
const notesTable = (card: Scorecard, lang: ExportLang): Table => ({
  sheet: t(lang, '说明', 'Notes'),
  columns: [
    { header: t(lang, '项目', 'Item'), kind: 'text', width: 30 },
    { header: t(lang, '内容', 'Value'), kind: 'text', width: 70 },
  ],
  rows: [
    [t(lang, '考核周期', 'Period'), card.period],
    [t(lang, '统计截止(北京时间)', 'As of (Beijing time)'), shanghaiDateTime(card.asOf)],
    [
      t(lang, '评先资格判定', 'Award eligibility judged'),
      t(
        lang,
        `每条预警在其整改时限届满时判定(届满晚于统计截止的也计入本周期),${shanghaiDateTime(card.eligibilityFinalAt)} 起不再变动`,
        `each warning when its time to rectify runs out (after the as-of time too, still in this period); final from ${shanghaiDateTime(card.eligibilityFinalAt)} (Beijing time)`,
      ),
    ],
    [t(lang, '考核规则版本', 'Rules version'), String(card.rulesVersion)],
    [t(lang, '连续未整改取消评先', 'Consecutive unrectified warnings that cost eligibility'), String(card.rules.consecutiveUnrectifiedLimit)],
    [t(lang, '整改时限(自然日)', 'Days to rectify'), String(card.rules.unrectified.rectifyWithinDays)],
    [t(lang, '重新整改视为未整改', 'A reopened warning counts as unrectified'), card.rules.unrectified.reopenedCountsAsUnrectified ? t(lang, '是', 'yes') : t(lang, '否', 'no')],
    [t(lang, '口径', 'Counting'), t(lang, '申诉成立的评价及其预警不计入;评价按提交日、预警按产生日归入周期(北京时间)', 'Ratings excluded by an upheld appeal and their warnings do not count; ratings by submission day, warnings by raise day (Beijing time)')],
    [
      t(lang, '重新整改', 'Reopenings'),
      t(
        lang,
        '统计截止时已答复而未办结的预警,其重新整改次数及之后各轮答复按导出时的记录计(系统未保存每轮时间)',
        'for a warning replied to but still open at the as-of time, reopenings and the replies of later rounds as recorded when exported (the time of each round is not kept)',
      ),
    ],
  ],
});

export const scorecardFileName = (card: Scorecard, ext: 'xlsx' | 'csv', lang: ExportLang = 'zh-CN'): string =>
  `${t(lang, `${unitNames[card.unitKind].zh}考核表`, `${card.unitKind}-scorecard`)}-${card.period}.${ext}`;

export const scorecardXlsx = (card: Scorecard, options: { readonly lang?: ExportLang; readonly created: Date }): Promise<Uint8Array> =>
  toXlsx([scorecardTable(card, options.lang), notesTable(card, options.lang ?? 'zh-CN')], { creator: 'PingGai 评改通', created: options.created });

export const scorecardCsv = (card: Scorecard, lang: ExportLang = 'zh-CN'): string => toCsv(scorecardTable(card, lang));

export const evidenceXlsx = (evidence: ScorecardEvidence, options: { readonly lang?: ExportLang; readonly created: Date }): Promise<Uint8Array> =>
  toXlsx([evidenceTable(evidence, options.lang)], { creator: 'PingGai 评改通', created: options.created });

export const evidenceCsv = (evidence: ScorecardEvidence, lang: ExportLang = 'zh-CN'): string => toCsv(evidenceTable(evidence, lang));
