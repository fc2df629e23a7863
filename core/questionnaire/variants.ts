import type { QuestionnaireConfig, QuestionnaireVariant, SatisfactionLevel, VariantContext, VariantCriteria } from './types.ts';

const allows = <T>(list: readonly T[] | undefined, value: T): boolean => list === undefined || list.includes(value);

export const variantMatches = (when: VariantCriteria, context: VariantContext): boolean =>
  allows(when.applicantTypes, context.applicantType) &&
  (when.enterpriseTypes === undefined || (context.enterpriseType !== null && when.enterpriseTypes.includes(context.enterpriseType))) &&
  allows(when.matterTypes, context.matterType) &&
  allows(when.stages, context.stage) &&
  allows(when.progress, context.progress) &&
  allows(when.channels, context.channel);

/**
 * 千人千面: the first variant whose criteria match. A published configuration always ends with a
 * catch-all variant (the decider checks), so there is always an answer.
 */
export const chooseVariant = (config: QuestionnaireConfig, context: VariantContext): QuestionnaireVariant => {
  const chosen = config.variants.find((variant) => variantMatches(variant.when, context)) ?? config.variants[config.variants.length - 1];
  if (!chosen) throw new Error('questionnaire configuration without variants');
  return chosen;
};

export const findVariant = (config: QuestionnaireConfig, id: string): QuestionnaireVariant | undefined =>
  config.variants.find((variant) => variant.id === id);

/**
 * The rating event's `negative` flag, which decides the follow-up: at or below the negative level, or
 * any reason that raises a warning by itself (the seed counts "办事体验一般" among the negative
 * feedback). The citizen is told they will hear back. The figures count 差评 by the national
 * definition instead (不满意 or 非常不满意: `isBadRating` in projections/metrics/definitions.ts).
 */
export const isNegativeRating = (config: QuestionnaireConfig, overall: SatisfactionLevel, reasons: readonly string[]): boolean =>
  overall <= config.negativeAtOrBelow || reasons.some((code) => config.reasons.find((reason) => reason.code === code)?.raisesWarning === true);
