import type { SatisfactionLevel, Texts } from './types.ts';

/** The national five levels, best first: the order the citizen page shows them in. */
export const satisfactionLevels: readonly { readonly level: SatisfactionLevel; readonly code: string; readonly text: Texts }[] = [
  { level: 5, code: 'very_satisfied', text: { 'zh-CN': '非常满意', en: 'Very satisfied' } },
  { level: 4, code: 'satisfied', text: { 'zh-CN': '满意', en: 'Satisfied' } },
  { level: 3, code: 'basically_satisfied', text: { 'zh-CN': '基本满意', en: 'Basically satisfied' } },
  { level: 2, code: 'dissatisfied', text: { 'zh-CN': '不满意', en: 'Dissatisfied' } },
  { level: 1, code: 'very_dissatisfied', text: { 'zh-CN': '非常不满意', en: 'Very dissatisfied' } },
];

export const isSatisfactionLevel = (value: unknown): value is SatisfactionLevel =>
  value === 1 || value === 2 || value === 3 || value === 4 || value === 5;
