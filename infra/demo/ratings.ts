/**
 * How citizens rate in the demo: about 95% 非常满意/满意, a few 基本满意 with "办事体验一般", 2–3%
 * 不满意/非常不满意 with reasons and comments, and now and then a low 流程便捷性 answer. Returned as the
 * form fields the citizen page posts (`overall`, `answers.SM01`, `reasons`, `comment`, `anonymous`).
 */
import type { Random } from './random.ts';
import { complaints, mediocreComments, praiseComments } from './texts.ts';

export interface RatingChoice {
  readonly overall: 1 | 2 | 3 | 4 | 5;
  readonly answers: Readonly<Record<string, number>>;
  readonly reasons: readonly string[];
  readonly comment: string | null;
  readonly anonymous: boolean;
  /** Attach a photo (a few complaints do). */
  readonly photo: boolean;
}

const levelMix: readonly { level: RatingChoice['overall']; weight: number }[] = [
  { level: 5, weight: 68 },
  { level: 4, weight: 27 },
  { level: 3, weight: 2.5 },
  { level: 2, weight: 1.7 },
  { level: 1, weight: 0.8 },
];

const isProcessItem = (code: string) => code.startsWith('PC');

/** A rating for a questionnaire with these indicator items; `canBeAnonymous` when the rater has a phone. */
export const chooseRating = (
  random: Random,
  items: readonly string[],
  canBeAnonymous: boolean,
): RatingChoice => {
  const overall = random.weighted(levelMix, (entry) => entry.weight).level;
  const answers: Record<string, number> = {};
  let reasons: string[] = [];
  let comment: string | null = null;
  let photo = false;
  const processItems = items.filter(isProcessItem);
  if (overall >= 4) {
    for (const item of items)
      answers[item] = overall === 5 ? (random.chance(0.9) ? 5 : 4) : random.pick([4, 4, 5, 3]);
    // Satisfied with the people, not with the queue: a low 流程便捷性 answer now and then.
    if (overall === 4 && processItems.length > 0 && random.chance(0.03))
      answers[random.pick(processItems)] = 2;
    if (random.chance(0.12)) comment = random.pick(praiseComments);
  } else if (overall === 3) {
    for (const item of items) answers[item] = random.pick([3, 3, 4]);
    if (random.chance(0.55)) {
      reasons = ['R01'];
      comment = random.pick(mediocreComments);
    } else if (processItems.length > 0 && random.chance(0.5)) {
      answers[random.pick(processItems)] = 2;
      reasons = ['R04'];
      comment = random.pick(mediocreComments);
    }
  } else {
    for (const item of items) answers[item] = random.pick(overall === 1 ? [1, 1, 2] : [1, 2, 2, 3]);
    const complaint = random.pick(complaints);
    reasons = [...complaint.reasons];
    comment = complaint.comment;
    photo = random.chance(0.2);
  }
  // Not every item gets an answer: people skip one sometimes.
  for (const item of items) if (random.chance(0.04) && overall >= 4) delete answers[item];
  return { overall, answers, reasons, comment, anonymous: canBeAnonymous && random.chance(0.08), photo };
};

/** The rating as an urlencoded or multipart form body. */
export const ratingForm = (rating: RatingChoice, via: string | null, photo: Uint8Array | null): FormData => {
  const form = new FormData();
  form.set('overall', String(rating.overall));
  for (const [code, level] of Object.entries(rating.answers)) form.set(`answers.${code}`, String(level));
  for (const reason of rating.reasons) form.append('reasons', reason);
  if (rating.comment) form.set('comment', rating.comment);
  if (rating.anonymous) form.set('anonymous', '1');
  if (via) form.set('via', via);
  if (photo)
    form.set('attachments', new File([photo as Uint8Array<ArrayBuffer>], 'photo.png', { type: 'image/png' }));
  return form;
};
