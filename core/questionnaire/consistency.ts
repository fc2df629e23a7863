import type { QuestionnaireConfig } from './types.ts';

export interface ConfigProblem {
  readonly field: string;
  readonly message: string;
}

const duplicates = (codes: readonly string[]): Set<string> => {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const code of codes) (seen.has(code) ? twice : seen).add(code);
  return twice;
};

/**
 * Rules a schema cannot express: codes unique, every variant item in the bank, a catch-all last
 * variant (so every case gets a questionnaire), follow-up offered at least where ratings are negative.
 */
export const configProblems = (config: QuestionnaireConfig): ConfigProblem[] => {
  const problems: ConfigProblem[] = [];
  const indicatorCodes = config.indicators.map((indicator) => indicator.code);
  for (const code of duplicates(indicatorCodes)) problems.push({ field: 'indicators', message: `indicator code ${code} appears twice` });
  for (const code of duplicates(config.reasons.map((reason) => reason.code))) problems.push({ field: 'reasons', message: `reason code ${code} appears twice` });
  for (const code of duplicates(config.variants.map((variant) => variant.id))) problems.push({ field: 'variants', message: `variant id ${code} appears twice` });
  const categories = new Set(config.categories.map((category) => category.code));
  config.indicators.forEach((indicator, index) => {
    if (!categories.has(indicator.category)) problems.push({ field: `indicators.${index}.category`, message: `unknown category ${indicator.category}` });
  });
  config.variants.forEach((variant, index) => {
    variant.items.forEach((item, itemIndex) => {
      if (!indicatorCodes.includes(item)) problems.push({ field: `variants.${index}.items.${itemIndex}`, message: `${item} is not in the indicator bank` });
    });
  });
  const last = config.variants[config.variants.length - 1];
  if (!last || Object.values(last.when).some((list) => list !== undefined)) {
    problems.push({ field: `variants.${Math.max(config.variants.length - 1, 0)}.when`, message: 'the last variant must match every case' });
  }
  if (config.followUpAtOrBelow < config.negativeAtOrBelow) {
    problems.push({ field: 'followUpAtOrBelow', message: 'follow-up questions must be offered for every negative rating' });
  }
  return problems;
};
