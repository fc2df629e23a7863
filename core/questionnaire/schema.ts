import * as v from 'valibot';
import { applicantTypes, caseStages } from '../case/types.ts';

const texts = v.object({ 'zh-CN': v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)), en: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(300)) });
const code = v.pipe(v.string(), v.regex(/^[A-Z]{1,4}\d{2,3}$/, 'codes look like SM01 or R09'));
const level = v.picklist([1, 2, 3, 4, 5] as const);
const slug = v.pipe(v.string(), v.regex(/^[a-z0-9_]{1,40}$/));

/** The shape of a questionnaire configuration as an administrator submits it (console API). */
export const questionnaireConfigSchema = v.object({
  categories: v.pipe(
    v.array(v.object({ code: v.picklist(['SM', 'PC', 'RS'] as const), name: texts })),
    v.length(3, 'the three categories 服务素养, 流程便捷性, 结果满意度'),
  ),
  indicators: v.pipe(v.array(v.object({ code, category: v.picklist(['SM', 'PC', 'RS'] as const), text: texts })), v.minLength(3), v.maxLength(60)),
  reasons: v.pipe(
    v.array(v.object({ code, text: texts, concerns: v.picklist(['business', 'site'] as const), raisesWarning: v.boolean() })),
    v.minLength(1),
    v.maxLength(40),
  ),
  variants: v.pipe(
    v.array(
      v.object({
        id: slug,
        name: texts,
        when: v.object({
          applicantTypes: v.optional(v.array(v.picklist(applicantTypes))),
          enterpriseTypes: v.optional(v.array(slug)),
          matterTypes: v.optional(v.array(slug)),
          stages: v.optional(v.array(v.picklist(caseStages))),
          progress: v.optional(v.array(v.picklist(['on_time', 'overdue'] as const))),
          channels: v.optional(v.array(v.picklist(['sms', 'qr_case', 'qr_static'] as const))),
        }),
        items: v.pipe(v.array(code), v.minLength(1), v.maxLength(12)),
      }),
    ),
    v.minLength(1),
    v.maxLength(50),
  ),
  followUpAtOrBelow: level,
  negativeAtOrBelow: level,
});
