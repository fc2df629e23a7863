import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { spec } from '../decider/testing.ts';
import { configProblems } from './consistency.ts';
import type { QuestionnaireEvent } from './decider.ts';
import { questionnaireDecider } from './decider.ts';
import { defaultQuestionnaireConfig as config } from './default-config.ts';
import { questionnaireConfigSchema } from './schema.ts';
import type { VariantContext } from './types.ts';
import { chooseVariant, isNegativeRating } from './variants.ts';

const context: VariantContext = {
  applicantType: 'natural_person',
  enterpriseType: null,
  matterType: 'public_service',
  stage: 'concluded',
  progress: 'on_time',
  channel: 'sms',
};
const published = (version: number, note = 'v'): QuestionnaireEvent => ({ type: 'QuestionnairePublished', data: { version, config, note } });

describe('default indicator bank (3类12项)', () => {
  it('has 3 categories × 4 items with stable codes, and passes its own schema and rules', () => {
    expect(config.categories.map((c) => c.code)).toEqual(['SM', 'PC', 'RS']);
    expect(config.indicators.map((i) => i.code)).toEqual(['SM01', 'SM02', 'SM03', 'SM04', 'PC01', 'PC02', 'PC03', 'PC04', 'RS01', 'RS02', 'RS03', 'RS04']);
    expect(v.safeParse(questionnaireConfigSchema, config).success).toBe(true);
    expect(configProblems(config)).toEqual([]);
  });

  it('includes the seed’s reasons, 办事体验一般 among those that raise a warning', () => {
    const texts = config.reasons.map((r) => r.text['zh-CN']);
    for (const t of ['办事体验一般', '服务不满意', '材料反复提交', '等候时间长', '多次跑腿', '态度生硬', '解释不清', '系统故障', '结果不满意', '其他']) expect(texts).toContain(t);
    expect(isNegativeRating(config, 4, ['R01'])).toBe(true);
    expect(isNegativeRating(config, 4, ['R04'])).toBe(false);
    expect(isNegativeRating(config, 2, [])).toBe(true);
  });
});

describe('千人千面 variant choice', () => {
  it('picks by enterprise type and matter type, stage, progress and channel; always scores on bank codes', () => {
    expect(chooseVariant(config, context).id).toBe('default');
    expect(chooseVariant(config, { ...context, applicantType: 'enterprise', enterpriseType: 'private', matterType: 'administrative_licence' }).id).toBe('enterprise_licence');
    expect(chooseVariant(config, { ...context, applicantType: 'enterprise', enterpriseType: 'private' }).id).toBe('enterprise');
    expect(chooseVariant(config, { ...context, stage: 'in_progress' }).id).toBe('in_progress');
    expect(chooseVariant(config, { ...context, progress: 'overdue' }).id).toBe('overdue');
    expect(chooseVariant(config, { ...context, channel: 'qr_static', applicantType: 'unknown' }).id).toBe('window_qr');
    const codes = new Set(config.indicators.map((i) => i.code));
    for (const variant of config.variants) for (const item of variant.items) expect(codes.has(item)).toBe(true);
  });
});

describe('questionnaire configuration decider (config-questionnaire)', () => {
  it('publishes version 1, then version 2 on a change', () => {
    spec(questionnaireDecider).given([]).when({ type: 'PublishQuestionnaire', config, note: 'v' }).then([published(1)]);
    const changed = { ...config, followUpAtOrBelow: 4 as const };
    spec(questionnaireDecider)
      .given([published(1)])
      .when({ type: 'PublishQuestionnaire', config: changed, note: 'ask more' })
      .then([{ type: 'QuestionnairePublished', data: { version: 2, config: changed, note: 'ask more' } }]);
  });

  it('publishing the same configuration again changes nothing', () => {
    spec(questionnaireDecider).given([published(1)]).when({ type: 'PublishQuestionnaire', config, note: 'again' }).then([]);
  });

  it('refuses a variant asking an item that is not in the bank, naming the field', () => {
    const broken = { ...config, variants: [{ ...config.variants[0]!, items: ['SM01', 'XX99'] }, ...config.variants.slice(1)] };
    spec(questionnaireDecider).given([]).when({ type: 'PublishQuestionnaire', config: broken, note: 'x' }).thenRefuses('QUESTIONNAIRE_INVALID');
    expect(configProblems(broken)[0]?.field).toBe('variants.0.items.1');
  });

  it('refuses a configuration without a catch-all last variant', () => {
    const broken = { ...config, variants: config.variants.slice(0, 2) };
    spec(questionnaireDecider).given([]).when({ type: 'PublishQuestionnaire', config: broken, note: 'x' }).thenRefuses('QUESTIONNAIRE_INVALID');
  });

  it('keeps every version, so old invitations render the version they were issued with', () => {
    spec(questionnaireDecider).given([published(1), { type: 'QuestionnairePublished', data: { version: 2, config: { ...config, followUpAtOrBelow: 4 }, note: '' } }]).thenState({
      current: 2,
      versions: { 1: config, 2: { ...config, followUpAtOrBelow: 4 } },
    });
  });
});
