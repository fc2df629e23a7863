import type { Context } from 'hono';
import * as v from 'valibot';
import { fieldIssuesFromValibot, ValidationFailed } from '../../core/http/field-errors.ts';
import {
  PeriodSchema,
  RatingDimensionSchema,
  RatingFilterSchema,
} from '../../projections/queries/filters.ts';

/**
 * Query strings of the staff API's read routes. Every key is checked (strict: an unknown key is a
 * 422 naming it), numbers arrive as text and are parsed here. The dashboard filter is the
 * projections' RatingFilterSchema, so the API and the queries agree on what a filter is.
 */
const integer = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,7}$/, 'a whole number'),
    v.transform(Number),
    v.minValue(min),
    v.maxValue(max),
  );
const flag = v.optional(v.picklist(['true', 'false']), 'false');
/** The console may name its language in the query (Accept-Language is the usual way). */
const lang = { lang: v.optional(v.pipe(v.string(), v.maxLength(16))) };

type Days = { readonly from?: string | undefined; readonly to?: string | undefined };

/** A filter whose days run backwards is refused on `to` (an empty answer would hide the mistake). */
const daysInOrder = <T extends Days>() =>
  v.rawCheck<T>(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { from, to } = dataset.value;
    if (from !== undefined && to !== undefined && from > to) {
      addIssue({
        message: 'from must not be after to',
        path: [{ type: 'object', origin: 'value', input: dataset.value, key: 'to', value: to }],
      });
    }
  });

const filterQuery = <E extends v.ObjectEntries>(entries: E) => {
  const object = v.strictObject({ ...RatingFilterSchema.entries, ...lang, ...entries });
  return v.pipe(object, daysInOrder<v.InferOutput<typeof object>>());
};

export const DashboardQuerySchema = filterQuery({});

export const RollupQuerySchema = filterQuery({
  by: v.optional(RatingDimensionSchema),
  period: v.optional(PeriodSchema),
});

export const FunnelQuerySchema = filterQuery({
  by: v.optional(v.picklist(['channelGroup', 'channel']), 'channelGroup'),
});

/** GET /dashboard/warnings/list: the dashboard filter, the lead department, a phase, overdue only. */
export const DashboardWarningsQuerySchema = filterQuery({
  lead: v.optional(RatingFilterSchema.entries.department),
  phase: v.optional(v.picklist(['awaiting_dispatch', 'awaiting_reply', 'awaiting_callback', 'closed'])),
  overdue: flag,
  limit: v.optional(integer(1, 500), '200'),
});

/** GET /ratings: the dashboard filter, what a chart was clicked on, and the page. */
export const RatingsQuerySchema = filterQuery({
  negativeOnly: flag,
  limit: v.optional(integer(1, 500), '50'),
  offset: v.optional(integer(0, 1_000_000), '0'),
  weekday: v.optional(integer(1, 7)),
  hour: v.optional(integer(0, 23)),
  level: v.optional(integer(1, 5)),
  indicator: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{2}\d{2}$/, 'an indicator code such as SM01'))),
  indicatorLevelAtMost: v.optional(integer(1, 5)),
  /** The funnel's drill-down: period and channel are the invitation's (RatingDrill.invited). */
  invited: flag,
  /** The 差评 behind 差评回复率 (RatingDrill.replyRate), each with `replied`, unanswered first. */
  replyRate: flag,
});

export const PageQuerySchema = v.strictObject({
  ...lang,
  limit: v.optional(integer(1, 500), '50'),
  offset: v.optional(integer(0, 1_000_000), '0'),
});

const streamIdPart = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'an id of letters, digits and _.:-'),
);

/** GET /blobs/:key — which rating or warning the file is opened from (the console says; a search otherwise). */
export const BlobQuerySchema = v.pipe(
  v.strictObject({ ...lang, warning: v.optional(streamIdPart), rating: v.optional(streamIdPart) }),
  v.forward(
    v.check(
      (query) => query.warning === undefined || query.rating === undefined,
      'name a warning or a rating, not both',
    ),
    ['rating'],
  ),
);

export const LangOnlyQuerySchema = v.strictObject(lang);

/** Parses `c.req.query()`; a broken query is a 422 whose fields are named `query.<key>`. */
export const parseQuery = <S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> => {
  const result = v.safeParse(schema, c.req.query());
  if (!result.success) throw new ValidationFailed(fieldIssuesFromValibot(result.issues, 'query'));
  return result.output;
};
