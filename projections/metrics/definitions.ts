/**
 * The metric definitions of the dashboards, bulletins and scorecards, written once. Each is a pure
 * function over counts that returns the rate together with the counts behind it: a rate is never
 * shown without its sample. An empty sample gives `value: null` (shown as "—"), never 0 or NaN, and
 * 未评 is its own state: an unrated case is counted as unrated, never given a default score.
 */
import type { SatisfactionLevel } from '../../core/questionnaire/types.ts';

export interface Rate {
  /** 0…1, or null when the denominator is 0. */
  readonly value: number | null;
  readonly numerator: number;
  readonly denominator: number;
}

/** Ratings at each of the five national levels (5 非常满意 … 1 非常不满意). */
export type LevelCounts = Readonly<Record<SatisfactionLevel, number>>;

const checkCount = (name: string, n: number): void => {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
};

/** numerator ÷ denominator with its counts; refuses a numerator above its denominator (a counting bug). */
export const rate = (numerator: number, denominator: number): Rate => {
  checkCount('numerator', numerator);
  checkCount('denominator', denominator);
  if (numerator > denominator)
    throw new RangeError(`numerator ${numerator} exceeds denominator ${denominator}`);
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
};

export const ratedCount = (levels: LevelCounts): number =>
  levels[5] + levels[4] + levels[3] + levels[2] + levels[1];

export interface MetricDefinition<Counts> {
  readonly id: string;
  readonly zh: string;
  readonly en: string;
  readonly formula: string;
  readonly compute: (counts: Counts) => Rate;
}

const define = <Counts>(definition: MetricDefinition<Counts>): MetricDefinition<Counts> => definition;

/**
 * The fewest ratings a unit needs to be ranked by 好评率, on the appraisal page and in the bulletin
 * alike: 100% of one rating is no ranking. Below it a unit is listed, unranked.
 */
export const RANKING_MIN_RATINGS = 5;

/** 好评率 = (非常满意 + 满意) ÷ 评价数 */
export const goodRate = define<LevelCounts>({
  id: 'good_rate',
  zh: '好评率',
  en: 'Good rate',
  formula: '(非常满意 + 满意) ÷ 评价数',
  compute: (levels) => rate(levels[5] + levels[4], ratedCount(levels)),
});

/** 满意率 = (非常满意 + 满意 + 基本满意) ÷ 评价数 */
export const satisfiedRate = define<LevelCounts>({
  id: 'satisfied_rate',
  zh: '满意率',
  en: 'Satisfied rate',
  formula: '(非常满意 + 满意 + 基本满意) ÷ 评价数',
  compute: (levels) => rate(levels[5] + levels[4] + levels[3], ratedCount(levels)),
});

/**
 * 差评: 不满意 or 非常不满意, the national definition, the same on every page: 差评率, the 差评 lists,
 * 差评回复率 and the bulletin's 差评数. A rating event's own `negative` flag is wider (a reason such as
 * 办事体验一般 raises a warning at 基本满意 too): it decides the follow-up, not what counts as a 差评.
 */
export const isBadRating = (level: number): boolean => level <= 2;

/** 差评率 = (不满意 + 非常不满意) ÷ 评价数 */
export const negativeRate = define<LevelCounts>({
  id: 'negative_rate',
  zh: '差评率',
  en: 'Negative rate',
  formula: '(不满意 + 非常不满意) ÷ 评价数',
  compute: (levels) => rate(levels[2] + levels[1], ratedCount(levels)),
});

/** 未评率 = 办结未评价的办件 ÷ 办结办件 */
export const unratedRate = define<{ readonly completedCases: number; readonly ratedCases: number }>({
  id: 'unrated_rate',
  zh: '未评率',
  en: 'Unrated rate',
  formula: '办结未评价的办件数 ÷ 办结办件数',
  compute: ({ completedCases, ratedCases }) => {
    checkCount('ratedCases', ratedCases);
    if (ratedCases > completedCases)
      throw new RangeError(`ratedCases ${ratedCases} exceeds completedCases ${completedCases}`);
    return rate(completedCases - ratedCases, completedCases);
  },
});

/** 差评回复率 = 预警已答复的差评 ÷ 差评 */
export const negativeReplyRate = define<{ readonly negativeRatings: number; readonly replied: number }>({
  id: 'negative_reply_rate',
  zh: '差评回复率',
  en: 'Negative-rating reply rate',
  formula: '其预警已处置答复的差评数 ÷ 差评数(申诉成立的除外)',
  compute: ({ negativeRatings, replied }) => rate(replied, negativeRatings),
});

/** 回访整改率 = 经回访核验的预警 ÷ 预警 */
export const callbackRectificationRate = define<{ readonly warnings: number; readonly verified: number }>({
  id: 'callback_rectification_rate',
  zh: '回访整改率',
  en: 'Call-back verification rate',
  formula: '已电话回访并实地核查的预警数 ÷ 预警数(申诉成立的除外)',
  compute: ({ warnings, verified }) => rate(verified, warnings),
});

/** 回访整改满意率 = 满意的回访 ÷ 回访 */
export const callbackSatisfactionRate = define<{ readonly callbacks: number; readonly satisfied: number }>({
  id: 'callback_satisfaction_rate',
  zh: '回访整改满意率',
  en: 'Call-back satisfaction rate',
  formula: '结果为满意的回访次数(电话 + 实地) ÷ 回访次数',
  compute: ({ callbacks, satisfied }) => rate(satisfied, callbacks),
});

/** 整改完成率 = 整改到位并关闭的预警 ÷ 预警 */
export const rectificationCompletionRate = define<{ readonly warnings: number; readonly rectified: number }>({
  id: 'rectification_completion_rate',
  zh: '整改完成率',
  en: 'Rectification completion rate',
  formula: '整改到位关闭的预警数 ÷ 预警数(申诉成立的除外)',
  compute: ({ warnings, rectified }) => rate(rectified, warnings),
});

/** 按时派单率 = 1 小时内派单 ÷ 应派单 (已派单 + 已超时未派单) */
export const onTimeDispatchRate = define<{ readonly due: number; readonly onTime: number }>({
  id: 'on_time_dispatch_rate',
  zh: '按时派单率',
  en: 'On-time dispatch rate',
  formula: '时限内派单的预警数 ÷ (已派单 + 超时仍未派单的预警数)',
  compute: ({ due, onTime }) => rate(onTime, due),
});

/** 按时答复率 = 时限内答复 ÷ 应答复 (已答复 + 已超时未答复) */
export const onTimeReplyRate = define<{ readonly due: number; readonly onTime: number }>({
  id: 'on_time_reply_rate',
  zh: '按时答复率',
  en: 'On-time reply rate',
  formula: '3 个工作日内答复的轮次 ÷ (已答复轮次 + 超时仍未答复的轮次)',
  compute: ({ due, onTime }) => rate(onTime, due),
});

/** 回收率 = 有效填答 ÷ 查阅 (per channel) */
export const responseRate = define<{ readonly opened: number; readonly submitted: number }>({
  id: 'response_rate',
  zh: '回收率',
  en: 'Response rate',
  formula: '有效填答人数 ÷ 查阅问卷人数(按渠道)',
  compute: ({ opened, submitted }) => rate(submitted, opened),
});

export const metricDefinitions = [
  goodRate,
  satisfiedRate,
  negativeRate,
  unratedRate,
  negativeReplyRate,
  callbackRectificationRate,
  callbackSatisfactionRate,
  rectificationCompletionRate,
  onTimeDispatchRate,
  onTimeReplyRate,
  responseRate,
] as const;

/** '46.1%', or '—' for an empty sample. */
export const formatRate = (value: Rate, digits = 1): string =>
  value.value === null ? '—' : `${(value.value * 100).toFixed(digits)}%`;

/** '46.1% (71/154)': the rate with the count behind it, as every dashboard shows it. */
export const formatRateWithCount = (value: Rate, digits = 1): string =>
  `${formatRate(value, digits)} (${value.numerator}/${value.denominator})`;

export const emptyLevels: LevelCounts = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
