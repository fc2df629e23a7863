/**
 * 月度通报: the monthly bulletin of the 好差评 work, generated from the read models as an editable
 * .docx (Word / WPS) and an HTML view with the same content. Any month can be generated on demand;
 * the figures are those of the dashboard queries at the clock's instant.
 */
import type { Kysely } from 'kysely';
import * as v from 'valibot';
import type { ContentOptions } from './content.ts';
import { bulletinContent } from './content.ts';
import { bulletinDocx } from './docx.ts';
import type { BulletinFigures } from './figures.ts';
import { BulletinMonthSchema, bulletinFigures } from './figures.ts';
import { bulletinHtml } from './html.ts';

export type { BulletinFigures } from './figures.ts';
export { BulletinMonthSchema } from './figures.ts';

export interface MonthlyBulletin {
  readonly docx: Uint8Array;
  readonly html: string;
  readonly figures: BulletinFigures;
  /** 'PingGai-月度通报-2026-10.docx' */
  readonly fileName: string;
}

export interface BulletinOptions extends Partial<ContentOptions> {
  /** 'YYYY-MM' (validated). */
  readonly month: string;
  readonly clock: { now(): Date };
  readonly recurringThreshold?: number;
  readonly windowMinSample?: number;
}

export const buildMonthlyBulletin = async (
  db: Kysely<unknown>,
  options: BulletinOptions,
): Promise<MonthlyBulletin> => {
  const month = v.parse(BulletinMonthSchema, options.month);
  const figures = await bulletinFigures(db, {
    month,
    now: options.clock.now(),
    ...(options.recurringThreshold !== undefined ? { recurringThreshold: options.recurringThreshold } : {}),
    ...(options.windowMinSample !== undefined ? { windowMinSample: options.windowMinSample } : {}),
  });
  const content = bulletinContent(figures, {
    district: options.district ?? '咸安区',
    issuer: options.issuer ?? '咸安区政务服务“好差评”工作领导小组办公室',
  });
  return {
    docx: await bulletinDocx(content),
    html: bulletinHtml(content),
    figures,
    fileName: `PingGai-月度通报-${month}.docx`,
  };
};
