import type { Insertable, Selectable } from 'kysely';
import type { RecordedEvent } from '../../core/eventstore/types.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import { shanghaiKeys } from '../time/shanghai.ts';

/** 指标得分 (app.indicator_answers): one row per answered item of a rating (12 items in 3 categories). */
export interface IndicatorAnswersTable {
  rating_id: string;
  code: string;
  /** SM 服务素养 / PC 流程便捷性 / RS 结果满意度: the letters of the item code (SM01 → SM). */
  category: string;
  level: number;
  department_code: string;
  matter_code: string;
  hall_code: string;
  window_code: string;
  day_key: string;
  month_key: string;
}

export type IndicatorAnswer = Selectable<IndicatorAnswersTable>;
export type NewIndicatorAnswer = Insertable<IndicatorAnswersTable>;

export const categoryOfItem = (code: string): string => code.replace(/\d+$/, '');

export const indicatorAnswersOf = (
  event: RecordedEvent<'EvaluationSubmitted', EvaluationSubmitted['data']>,
): NewIndicatorAnswer[] => {
  const { subject, submittedAt, answers } = event.data;
  const keys = shanghaiKeys(submittedAt);
  return answers.map((answer) => ({
    rating_id: event.id,
    code: answer.code,
    category: categoryOfItem(answer.code),
    level: answer.level,
    department_code: subject.department.code,
    matter_code: subject.matter.code,
    hall_code: subject.hall.code,
    window_code: subject.window.code,
    day_key: keys.dayKey,
    month_key: keys.monthKey,
  }));
};
