import { html } from 'hono/html';
import type { FieldError } from '../../core/http/field-errors.ts';
import type { Lang } from '../../core/http/lang.ts';
import type { RatingSubject } from '../../core/invitation/types.ts';
import { satisfactionLevels } from '../../core/questionnaire/levels.ts';
import type { Indicator, QuestionnaireConfig, QuestionnaireVariant } from '../../core/questionnaire/types.ts';
import type { Markup, PageView } from './layout.ts';
import { page } from './layout.ts';
import { m } from './messages.ts';

export interface QuestionnaireView extends PageView {
  readonly action: string;
  readonly config: QuestionnaireConfig;
  readonly variant: QuestionnaireVariant;
  readonly subject: RatingSubject;
  readonly via: string;
  /** Only a real-name-capable invitation (SMS) offers the anonymous choice. */
  readonly canBeAnonymous: boolean;
  readonly errors?: readonly FieldError[];
  readonly previous?: { overall?: number; answers?: Record<string, number>; reasons?: readonly string[]; comment?: string };
}

/**
 * The errors as the citizen reads them: the message alone (field paths are for machines), after the
 * indicator's name for a detail rating, each sentence once.
 */
const errorLines = (errors: readonly FieldError[], indicators: readonly Indicator[], lang: Lang): string[] => {
  const lines = errors.map((error) => {
    const indicator = error.field.startsWith('answers.') ? indicators.find((item) => `answers.${item.code}` === error.field) : undefined;
    return indicator ? `${indicator.text[lang]}${lang === 'en' ? ': ' : ':'}${error.message}` : error.message;
  });
  return [...new Set(lines)];
};

/**
 * The questionnaire: the national five levels first (always), then the variant's items, the
 * follow-up reasons (shown by CSS only after a low score where supported; always present without
 * it), a comment and optional attachments. Two taps for a top rating: 非常满意, 提交.
 */
export const questionnairePage = (view: QuestionnaireView): Markup => {
  const { lang, config, variant, previous } = view;
  const indicators = variant.items.map((code) => config.indicators.find((indicator) => indicator.code === code)).filter((item) => item !== undefined);
  const where = `${view.subject.hall.name} · ${view.subject.window.name}`;
  return page(
    view,
    m.rateTitle[lang],
    html`<form method="post" action="${view.action}" enctype="multipart/form-data" novalidate>
${view.errors && view.errors.length > 0
  ? html`<div class="card errors" role="alert" tabindex="-1" id="errors"><p>${m.fixErrors[lang]}</p><ul>${errorLines(view.errors, indicators, lang).map((line) => html`<li>${line}</li>`)}</ul></div>`
  : ''}
<div class="card">
<h1>${m.rateTitle[lang]}</h1>
<p class="muted">${m.service[lang]}: ${view.subject.matter.name}<br>${m.place[lang]}: ${where}</p>
<fieldset class="levels">
<legend>${m.overallLegend[lang]}</legend>
${satisfactionLevels.map(
  (level) => html`<label><input type="radio" name="overall" value="${level.level}" required ${previous?.overall === level.level ? 'checked' : ''}> ${level.text[lang]}</label>`,
)}
</fieldset>
</div>
<div class="card followup">
<fieldset class="opt">
<legend>${m.reasonsLegend[lang]}</legend>
${config.reasons.map(
  (reason) => html`<label><input type="checkbox" name="reasons" value="${reason.code}" ${previous?.reasons?.includes(reason.code) ? 'checked' : ''}> ${reason.text[lang]}</label>`,
)}
</fieldset>
</div>
<p><button type="submit">${m.submit[lang]}</button></p>
<div class="card">
<h2>${m.itemsLegend[lang]}</h2>
${indicators.map(
  (indicator) => html`<fieldset class="item levels"><legend>${indicator.text[lang]}</legend><div class="row">${satisfactionLevels.map(
    (level) =>
      html`<label><input type="radio" name="answers.${indicator.code}" value="${level.level}" ${previous?.answers?.[indicator.code] === level.level ? 'checked' : ''}> ${level.text[lang]}</label>`,
  )}</div></fieldset>`,
)}
<p><label for="comment">${m.commentLabel[lang]}</label><textarea id="comment" name="comment" rows="3" maxlength="500">${previous?.comment ?? ''}</textarea></p>
<p><label for="attachments">${m.attachLabel[lang]}</label><input id="attachments" type="file" name="attachments" accept="image/*,audio/*,video/*" multiple></p>
${view.canBeAnonymous ? html`<div class="opt"><label><input type="checkbox" name="anonymous" value="1"> ${m.anonymousLabel[lang]}</label></div>` : ''}
<input type="hidden" name="via" value="${view.via}">
<p class="muted">${m.noPressure[lang]}</p>
<button type="submit">${m.submit[lang]}</button>
</div>
</form>`,
  );
};
