import type { EvaluationSubmitted } from '../invitation/events.ts';

/** A complete, realistic rating for tests of everything downstream of intake. */
export const sampleRating = (overrides: Partial<EvaluationSubmitted['data']> = {}): EvaluationSubmitted['data'] => ({
  invitationId: 'inv-0001',
  submittedAt: '2026-09-30T02:15:00.000Z',
  channel: 'sms',
  overall: 2,
  subject: {
    caseId: 'ga:2026093000017',
    caseNumber: '2026093000017',
    matter: { code: '11421202MB1234567X', name: '个体工商户设立登记', type: '行政许可' },
    department: { code: 'SCJ', name: '区市场监督管理局' },
    hall: { code: 'H01', name: '市民之家' },
    window: { code: 'W12', name: '12号窗口' },
    staff: { id: 'staff-0412', displayName: '王敏' },
    applicantType: 'individual_business',
    enterpriseType: null,
    regionCode: '421202',
    stage: 'concluded',
    progress: 'on_time',
  },
  answers: [
    { code: 'SM01', level: 3 },
    { code: 'PC03', level: 2 },
  ],
  reasons: ['R03'],
  comment: '营业执照材料提交了三次',
  attachments: [],
  evaluator: { identity: 'anonymous' },
  questionnaireVersion: 1,
  variantId: 'default',
  negative: true,
  ...overrides,
});
