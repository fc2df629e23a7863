/**
 * What people write in the demo month: citizens' comments, departments' replies and notes, call-back
 * notes, appeals. Plausible, in the officials' register; no names, phones or ID numbers in any of them.
 */
export const praiseComments = [
  '工作人员很耐心,一次就办好了',
  '效率高,不用来回跑',
  '窗口服务态度好,点赞',
  '材料一次性告知,很清楚',
  '比以前快多了,谢谢',
  '导办员主动帮忙填表,很贴心',
  '排队时间短,办理很顺利',
  '大厅环境好,指引清楚',
];

export const mediocreComments = [
  '办事体验一般,等了比较久',
  '流程还可以再简化',
  '取号后等候时间有点长',
  '材料清单写得不够清楚,问了两次',
  '自助机不太好用',
];

/** Negative ratings: comment with the reason codes it fits (R02 服务不满意, R04 等候时间长 …). */
export const complaints: readonly { readonly reasons: readonly string[]; readonly comment: string }[] = [
  { reasons: ['R04'], comment: '排队等了一个多小时,窗口只开了一个' },
  { reasons: ['R06', 'R02'], comment: '工作人员态度生硬,问问题不耐烦' },
  { reasons: ['R05'], comment: '来了三次才办成,每次说缺的材料都不一样' },
  { reasons: ['R07'], comment: '政策解释不清楚,让我自己去网上查' },
  { reasons: ['R03', 'R05'], comment: '同样的材料在两个窗口各交了一遍' },
  { reasons: ['R08'], comment: '系统故障,等了半天说明天再来' },
  { reasons: ['R09'], comment: '不予办理的理由没有讲清楚' },
  { reasons: ['R10'], comment: '承诺五个工作日办结,结果拖了两周' },
  { reasons: ['R02'], comment: '中午提前下班,窗口没人' },
];

export const collaborationNotes = [
  '请配合部门核实当日窗口排班及取号记录',
  '请配合部门提供该事项办理材料清单,统一一次性告知口径',
  '涉及系统对接问题,请配合部门协助排查',
];

export const statusNotes = [
  '已约谈当事窗口人员,正在调取现场录像核实',
  '已联系办件系统运维,正在排查',
  '已梳理该事项办理流程,整改方案报分管领导审定中',
];

export const evidenceDescriptions = [
  '整改后窗口现场照片',
  '更新后的一次性告知单',
  '培训签到表',
  '调整后的窗口排班表',
];

export const replies: Readonly<Record<string, readonly string[]>> = {
  negative_rating: [
    '经核实,情况属实。已对当事工作人员进行批评教育并组织服务礼仪培训,窗口增设服务提示,已电话向办事群众致歉。',
    '经调取录像核实,当日该时段取号集中。已调整窗口排班,高峰时段增开一个窗口,并安排导办员分流。',
    '已重新梳理该事项材料清单,印制一次性告知单放置于窗口,同步更新网上办事指南。',
  ],
  process_dissatisfaction: [
    '已对该事项流程进行梳理,合并两个重复提交环节,材料由窗口内部流转,不再让群众重复提交。',
    '已在大厅增设自助填单引导,办事指南改为图示版,并安排导办员在高峰时段现场指引。',
  ],
  overdue_case: [
    '经核查,超时原因为现场勘验排期延后。已完成办结,并建立超期预警台账,临近时限前一日提醒经办人。',
    '超时系补正材料后未及时流转所致,已办结并向申请人说明情况;已明确补正材料当日流转的要求。',
    '因系统对接故障导致办件滞留,现已恢复并办结;已与运维单位建立故障即时通报机制。',
  ],
  quality_trend: ['已针对该窗口近期评价开展专项整改,完善服务规范。'],
};

export const phoneCallbackNotes = {
  satisfied: [
    '电话回访办事群众,对整改情况表示满意',
    '电话回访,群众认可处理结果',
    '电话回访已接通,群众表示问题已解决',
  ],
  unsatisfied: ['电话回访,群众表示问题仍未解决,要求进一步整改', '电话回访,群众对答复不认可'],
};

export const onSiteNotes = {
  satisfied: [
    '实地核查:整改措施已落实,窗口现场规范',
    '实地核查:告知单已张贴,排班已调整',
    '实地核查:流程优化已上线运行',
  ],
  unsatisfied: ['实地核查:整改措施尚未落实到位', '实地核查:现场仍存在同类问题'],
};

export const appealReasons = [
  '该评价系误评:当日该时段本人不在岗,录像可证',
  '评价内容与办件事实不符,申请人所述材料要求为法定要求,已一次性告知',
];

export const appealDecisions = {
  upheld: '经调取录像及排班记录核实,该评价与事实不符,申诉成立,该评价不计入考核。',
  rejected: '经核实,窗口确有告知不清的情况,申诉不成立,请按要求整改。',
};
