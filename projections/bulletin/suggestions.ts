/**
 * 下一步工作建议: plain sentences generated from the month's figures. They are a first draft the
 * official edits in Word/WPS, so they state facts and a concrete next step, no judgement beyond the
 * numbers. Pure: the same figures give the same sentences.
 */
import type { Rate } from '../metrics/definitions.ts';
import type { BulletinFigures } from './figures.ts';
import { count, rateText } from './format.ts';

const below = (r: Rate, threshold: number): boolean => r.value !== null && r.value < threshold;

export const suggestions = (f: BulletinFigures): string[] => {
  const out: string[] = [];
  const overallGood = f.overall.goodRate.value;

  const weakest = [...f.departments]
    .filter((d) => d.summary.goodRate.value !== null && overallGood !== null && d.summary.goodRate.value < overallGood)
    .sort((a, b) => (a.summary.goodRate.value ?? 0) - (b.summary.goodRate.value ?? 0))[0];
  if (weakest) {
    out.push(
      `${weakest.name}本月好评率为${rateText(weakest.summary.goodRate)},低于全区${rateText(f.overall.goodRate)},建议该部门对照差评清单逐条分析原因,制定改进措施。`,
    );
  }

  // From the reply rate itself: its 差评 are the 差评率's (isBadRating), so the two agree.
  const unreplied = f.warnings.negativeReplyRate.denominator - f.warnings.negativeReplyRate.numerator;
  if (below(f.warnings.negativeReplyRate, 1) && unreplied > 0) {
    out.push(
      `本月差评回复率为${rateText(f.warnings.negativeReplyRate)},尚有${count(unreplied)}条差评未答复,请相关部门在规定时限内完成核实答复。`,
    );
  }

  if (f.warnings.overdue > 0) {
    out.push(
      `截至通报生成时仍有${count(f.warnings.overdue)}件预警超过办理时限未办结,请牵头部门加快处置,督查组跟踪督办。`,
    );
  }

  if (below(f.warnings.onTimeDispatchRate, 1)) {
    out.push(`预警按时派单率为${rateText(f.warnings.onTimeDispatchRate)},请派单人员在1小时内完成派单。`);
  }

  const departmentName = new Map(f.departments.map((d) => [d.code, d.name]));
  for (const problem of f.recurring.slice(0, 3)) {
    out.push(
      `“${problem.matterName}”事项在${problem.hallName}${problem.windowName}本月${count(problem.occurrences)}次被反映“${problem.reasonText}”,属反复性问题,请${departmentName.get(problem.ownerDepartment) ?? problem.ownerDepartment}牵头查找根源、落实整改。`,
    );
  }

  if (below(f.unrated, 1) && (f.unrated.value ?? 0) >= 0.3) {
    out.push(`本月未评率为${rateText(f.unrated)},建议窗口工作人员在办结时主动引导办事群众扫码评价。`);
  }

  const online = f.funnel.find((row) => row.channel === 'online');
  const offline = f.funnel.find((row) => row.channel === 'offline');
  if (
    online?.responseRate.value !== null &&
    offline?.responseRate.value !== null &&
    online !== undefined &&
    offline !== undefined &&
    (online.responseRate.value ?? 0) < (offline.responseRate.value ?? 0)
  ) {
    out.push(
      `线上回收率${rateText(online.responseRate)}低于线下${rateText(offline.responseRate)},建议优化短信邀评的发送时机与文案。`,
    );
  }

  if (out.length === 0) {
    out.push('本月各项指标总体平稳,请各部门保持服务质量,持续做好“好差评”工作。');
  }
  return out;
};
