/**
 * The bulletin's content as a list of blocks, built once from the figures and written out twice
 * (the .docx and the HTML view), so both say the same thing.
 */
import type { Chart } from './charts.ts';
import { dailyTrendChart, departmentGoodRateChart, fontWarning } from './charts.ts';
import type { BulletinFigures } from './figures.ts';
import { shanghaiKeys } from '../time/shanghai.ts';
import { count, monthText, rateText } from './format.ts';
import { suggestions } from './suggestions.ts';

export type Block =
  | { readonly kind: 'heading'; readonly text: string }
  | { readonly kind: 'paragraph'; readonly text: string }
  | { readonly kind: 'table'; readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] }
  | { readonly kind: 'chart'; readonly chart: Chart; readonly caption: string }
  | { readonly kind: 'note'; readonly text: string };

export interface BulletinContent {
  readonly title: string;
  readonly subtitle: string;
  readonly blocks: readonly Block[];
}

export interface ContentOptions {
  /** '咸安区' — the district in the title. */
  readonly district: string;
  /** Who issues it, printed under the title. */
  readonly issuer: string;
}

const numerals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

const channelName = (channel: string): string =>
  channel === 'online' ? '线上(短信)' : channel === 'offline' ? '线下(扫码)' : channel;

const changeText = (current: number | null, previous: number | null): string => {
  if (current === null || previous === null) return '';
  const points = (current - previous) * 100;
  if (Math.abs(points) < 0.05) return ',与上月持平';
  return `,较上月${points > 0 ? '上升' : '下降'}${Math.abs(points).toFixed(1)}个百分点`;
};

export const bulletinContent = (f: BulletinFigures, options: ContentOptions): BulletinContent => {
  const blocks: Block[] = [];
  let section = 0;
  const heading = (text: string) => blocks.push({ kind: 'heading', text: `${numerals[section++]}、${text}` });
  const paragraph = (text: string) => blocks.push({ kind: 'paragraph', text });
  const o = f.overall;
  const month = monthText(f.month);
  const asOfDay = shanghaiKeys(f.asOf).dayKey;
  const departmentName = new Map(f.departments.map((d) => [d.code, d.name]));

  heading('总体情况');
  paragraph(
    `${month}(${f.from}至${f.to}),全区政务服务“好差评”共收到评价${count(o.rated)}条,其中非常满意${count(o.levels[5])}条、满意${count(o.levels[4])}条、基本满意${count(o.levels[3])}条、不满意${count(o.levels[2])}条、非常不满意${count(o.levels[1])}条。` +
      `好评率${rateText(o.goodRate)}${changeText(o.goodRate.value, f.previousMonth.summary.goodRate.value)};` +
      `满意率${rateText(o.satisfiedRate)};差评率${rateText(o.negativeRate)};` +
      `办结办件未评率${rateText(f.unrated)}。`,
  );
  if (f.funnel.length > 0) {
    paragraph(
      `分渠道回收率(有效填答人数÷查阅问卷人数):` +
        f.funnel
          .map((row) => `${channelName(row.channel)}邀评${count(row.invited)}人次、回收率${rateText(row.responseRate)}`)
          .join(';') +
        '。',
    );
  } else {
    paragraph('本月无邀评记录,回收率为“—”。');
  }
  blocks.push({
    kind: 'table',
    headers: ['渠道', '邀评数', '查阅数', '有效填答数', '过期未评数', '回收率'],
    rows: f.funnel.map((row) => [
      channelName(row.channel),
      count(row.invited),
      count(row.opened),
      count(row.submitted),
      count(row.expired),
      rateText(row.responseRate),
    ]),
  });
  blocks.push({
    kind: 'chart',
    caption: `图1 ${month}每日评价数与差评率`,
    chart: dailyTrendChart(
      `${month}每日评价数与差评率`,
      f.daily.map((d) => ({
        day: d.day,
        rated: d.rated,
        negativePercent: d.negativeRate.value === null ? null : d.negativeRate.value * 100,
      })),
    ),
  });

  heading('各部门评价情况');
  const ratedDepartments = f.departments.filter((d) => d.summary.rated > 0);
  const leadOnly = f.departments.length - ratedDepartments.length;
  paragraph(
    (ratedDepartments.length === 0
      ? '本月各部门均无评价。'
      : `本月共有${count(ratedDepartments.length)}个部门收到评价,各部门情况如下表(按评价数排序)。`) +
      (leadOnly > 0 ? `另有${count(leadOnly)}个部门本月未收到评价但牵头整改预警,列于表末。` : ''),
  );
  blocks.push({
    kind: 'table',
    headers: ['部门', '评价数', '好评率', '差评数', '差评回复率', '整改完成率'],
    rows: f.departments.map((d) => [
      d.name,
      count(d.summary.rated),
      rateText(d.summary.goodRate),
      count(d.negativeCount),
      rateText(d.negativeReplyRate),
      rateText(d.rectificationCompletionRate),
    ]),
  });
  if (f.departments.length > 0) {
    blocks.push({
      kind: 'note',
      text: '注:评价数、好评率、差评数、差评回复率按被评价部门统计;整改完成率按牵头整改部门统计(预警由谁牵头整改即计入谁,如现场管理类问题由政务服务部门牵头,可能不是被评价部门)。',
    });
  }
  blocks.push({
    kind: 'chart',
    caption: `图2 ${month}各部门好评率`,
    chart: departmentGoodRateChart(
      `${month}各部门好评率`,
      ratedDepartments.map((d) => ({
        label: d.name,
        percent: d.summary.goodRate.value === null ? null : d.summary.goodRate.value * 100,
        count: d.summary.rated,
      })),
    ),
  });

  heading('窗口排名');
  paragraph(
    f.windows.length === 0
      ? '本月无窗口评价。'
      : `按好评率由高到低排列(好评率相同的,评价数多者在前);评价数少于${count(f.windowMinSample)}条的窗口样本不足,不参与排名,列于表末。`,
  );
  blocks.push({
    kind: 'table',
    headers: ['排名', '窗口', '大厅', '部门', '评价数', '好评率', '差评率'],
    rows: f.windows.map((w) => [
      w.rank === null ? '—' : String(w.rank),
      w.name,
      w.hall,
      w.department,
      count(w.summary.rated),
      rateText(w.summary.goodRate),
      rateText(w.summary.negativeRate),
    ]),
  });

  heading('预警处置情况');
  const w = f.warnings;
  paragraph(
    `本月共产生预警${count(w.raised)}件,已派单${count(w.dispatched)}件,已办结${count(w.closed)}件;` +
      `截至${asOfDay}尚有${count(w.open)}件未办结,其中超时${count(w.overdue)}件。` +
      `按时派单率${rateText(w.onTimeDispatchRate)},按时答复率${rateText(w.onTimeReplyRate)},` +
      `回访整改率(电话回访与实地核查双回访)${rateText(w.callbackRectificationRate)},回访整改满意率${rateText(w.callbackSatisfactionRate)},` +
      `整改完成率${rateText(w.rectificationCompletionRate)},差评回复率${rateText(w.negativeReplyRate)}。` +
      (w.appealUpheld > 0 ? `另有${count(w.appealUpheld)}件经申诉成立,不计入派单、答复、回访与整改各项比率,其差评不计入差评回复率。` : ''),
  );
  blocks.push({
    kind: 'table',
    headers: ['预警数', '已派单', '按时派单率', '按时答复率', '回访整改率', '已办结', '未办结', '其中超时'],
    rows: [
      [
        count(w.raised),
        count(w.dispatched),
        rateText(w.onTimeDispatchRate),
        rateText(w.onTimeReplyRate),
        rateText(w.callbackRectificationRate),
        count(w.closed),
        count(w.open),
        count(w.overdue),
      ],
    ],
  });

  heading('反复性问题');
  if (f.recurring.length === 0) {
    paragraph('本月未发现同一事项、同一窗口因同一原因被反复反映的问题。');
  } else {
    paragraph(`本月发现反复性问题${count(f.recurring.length)}项(同一事项在同一窗口因同一原因被反映多次),已形成改进事项:`);
    blocks.push({
      kind: 'table',
      headers: ['事项', '窗口', '问题', '次数', '首次—末次', '责任部门'],
      rows: f.recurring.map((p) => [
        p.matterName,
        `${p.hallName}${p.windowName}`,
        p.reasonText,
        count(p.occurrences),
        `${p.firstDay}—${p.lastDay}`,
        departmentName.get(p.ownerDepartment) ?? p.ownerDepartment,
      ]),
    });
  }

  heading('下一步工作建议');
  suggestions(f).forEach((text, index) => paragraph(`(${numerals[index] ?? index + 1})${text}`));

  const warning = fontWarning();
  if (warning) blocks.push({ kind: 'note', text: warning });
  blocks.push({
    kind: 'note',
    text: '说明:比率后括号内为分子/分母(计数);“—”表示本期无样本。好评率=(非常满意+满意)÷评价数;差评率=(不满意+非常不满意)÷评价数;未评率=办结未评价办件数÷办结办件数;差评回复率=其预警已答复的差评数÷差评数,按被评价部门统计;按时派单率、按时答复率、回访整改率、回访整改满意率、整改完成率等整改类指标按牵头整改部门统计;申诉成立的预警不计入预警类比率,其差评不计入差评回复率。',
  });

  return {
    title: `${options.district}政务服务“好差评”月度通报(${month})`,
    subtitle: `${options.issuer}  ${asOfDay}`,
    blocks,
  };
};
