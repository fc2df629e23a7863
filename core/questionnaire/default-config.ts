import type { QuestionnaireConfig } from './types.ts';

/**
 * The default questionnaire shipped with PingGai: 3 categories × 12 items (3类12项), reason codes in
 * the style of GB/T 39734's bad-review reasons, and variants chosen by applicant/enterprise type,
 * matter type, stage and progress. Administrators publish edited versions; this is version 1.
 * Variants stay short (3–4 items) so that the whole questionnaire takes about ten seconds.
 */
export const defaultQuestionnaireConfig: QuestionnaireConfig = {
  categories: [
    { code: 'SM', name: { 'zh-CN': '服务素养', en: 'Service manner and professionalism' } },
    { code: 'PC', name: { 'zh-CN': '流程便捷性', en: 'Process convenience' } },
    { code: 'RS', name: { 'zh-CN': '结果满意度', en: 'Result satisfaction' } },
  ],
  indicators: [
    { code: 'SM01', category: 'SM', text: { 'zh-CN': '工作人员态度热情、文明礼貌', en: 'Staff were courteous and respectful' } },
    { code: 'SM02', category: 'SM', text: { 'zh-CN': '工作人员业务熟练、解答准确', en: 'Staff knew the procedure and answered accurately' } },
    { code: 'SM03', category: 'SM', text: { 'zh-CN': '一次性告知所需材料和要求', en: 'All requirements were explained at once' } },
    { code: 'SM04', category: 'SM', text: { 'zh-CN': '办事规范公正、不推诿', en: 'Handled fairly, without passing the buck' } },
    { code: 'PC01', category: 'PC', text: { 'zh-CN': '办事指南清晰易懂', en: 'The service guide was clear' } },
    { code: 'PC02', category: 'PC', text: { 'zh-CN': '排队等候时间合理', en: 'The waiting time was reasonable' } },
    { code: 'PC03', category: 'PC', text: { 'zh-CN': '无需反复提交材料', en: 'No documents had to be submitted twice' } },
    { code: 'PC04', category: 'PC', text: { 'zh-CN': '跑动次数少(最多跑一次)', en: 'Few trips needed (at most one)' } },
    { code: 'RS01', category: 'RS', text: { 'zh-CN': '在承诺时限内办结', en: 'Done within the promised time' } },
    { code: 'RS02', category: 'RS', text: { 'zh-CN': '办理结果符合预期', en: 'The result met my expectations' } },
    { code: 'RS03', category: 'RS', text: { 'zh-CN': '结果告知清楚及时', en: 'The result was told clearly and promptly' } },
    { code: 'RS04', category: 'RS', text: { 'zh-CN': '收费规范透明', en: 'Fees were lawful and transparent' } },
  ],
  reasons: [
    { code: 'R01', text: { 'zh-CN': '办事体验一般', en: 'Mediocre experience' }, concerns: 'site', raisesWarning: true },
    { code: 'R02', text: { 'zh-CN': '服务不满意', en: 'Unsatisfactory service' }, concerns: 'site', raisesWarning: true },
    { code: 'R03', text: { 'zh-CN': '材料反复提交', en: 'Documents asked for repeatedly' }, concerns: 'business', raisesWarning: false },
    { code: 'R04', text: { 'zh-CN': '等候时间长', en: 'Long wait' }, concerns: 'site', raisesWarning: false },
    { code: 'R05', text: { 'zh-CN': '多次跑腿', en: 'Several trips needed' }, concerns: 'business', raisesWarning: false },
    { code: 'R06', text: { 'zh-CN': '态度生硬', en: 'Rude attitude' }, concerns: 'site', raisesWarning: false },
    { code: 'R07', text: { 'zh-CN': '解释不清', en: 'Unclear explanations' }, concerns: 'business', raisesWarning: false },
    { code: 'R08', text: { 'zh-CN': '系统故障', en: 'System failure' }, concerns: 'site', raisesWarning: false },
    { code: 'R09', text: { 'zh-CN': '结果不满意', en: 'Unsatisfied with the result' }, concerns: 'business', raisesWarning: false },
    { code: 'R10', text: { 'zh-CN': '超时未办结', en: 'Not done in time' }, concerns: 'business', raisesWarning: false },
    { code: 'R99', text: { 'zh-CN': '其他', en: 'Other' }, concerns: 'site', raisesWarning: false },
  ],
  variants: [
    {
      id: 'overdue',
      name: { 'zh-CN': '超时办件', en: 'Overdue case' },
      when: { progress: ['overdue'] },
      items: ['RS01', 'SM03', 'PC04'],
    },
    {
      id: 'in_progress',
      name: { 'zh-CN': '受理/办理中', en: 'Accepted or in progress' },
      when: { stages: ['accepted', 'in_progress'] },
      items: ['SM01', 'SM03', 'PC01'],
    },
    {
      id: 'enterprise_licence',
      name: { 'zh-CN': '企业许可类', en: 'Enterprise licensing' },
      when: { applicantTypes: ['enterprise', 'individual_business'], matterTypes: ['administrative_licence'] },
      items: ['SM02', 'PC03', 'PC04', 'RS01'],
    },
    {
      id: 'enterprise',
      name: { 'zh-CN': '企业办事', en: 'Enterprise services' },
      when: { applicantTypes: ['enterprise', 'individual_business', 'social_org'] },
      items: ['SM02', 'PC03', 'RS02'],
    },
    {
      id: 'window_qr',
      name: { 'zh-CN': '窗口扫码', en: 'Window QR code' },
      when: { channels: ['qr_static'] },
      items: ['SM01', 'SM02', 'PC02'],
    },
    {
      id: 'default',
      name: { 'zh-CN': '通用', en: 'General' },
      when: {},
      items: ['SM01', 'PC02', 'RS02'],
    },
  ],
  followUpAtOrBelow: 3,
  negativeAtOrBelow: 2,
};
