import type { Context } from 'hono';
import { Hono } from 'hono';
import * as v from 'valibot';
import { can } from '../../../core/access/permissions.ts';
import type { AppraisalUnitKind } from '../../../core/appraisal/index.ts';
import {
  appraisalDecider,
  appraisalStreamId,
  appraisalUnitKinds,
  loadAppraisalRules,
  loadOverrides,
  logScorecardExport,
  ScoreOverrideBodySchema,
} from '../../../core/appraisal/index.ts';
import { handleCommand } from '../../../core/decider/command-handler.ts';
import { invalidField } from '../../../core/http/field-errors.ts';
import type { Lang } from '../../../core/http/lang.ts';
import { chooseLang } from '../../../core/http/lang.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import type { AppraisalQueries } from '../../../projections/appraisal/index.ts';
import {
  EvidenceMetricSchema,
  evidenceCsv,
  evidenceXlsx,
  scorecardCsv,
  scorecardFileName,
  scorecardXlsx,
} from '../../../projections/appraisal/index.ts';
import type { Rate } from '../../../projections/metrics/definitions.ts';
import type { ScorecardLine } from '../../../projections/queries/scorecards.ts';
import { KeySchema, windowOf } from '../../../projections/queries/filters.ts';
import { AppraisalPeriodSchema } from '../../../projections/queries/scorecards.ts';
import { idempotencyKey, readBody, staffCommand } from '../body.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { staffRoute } from '../openapi.ts';
import { parseQuery } from '../query-schemas.ts';
import { readModels } from '../rating-scope.ts';
import { metadataActor } from '../warning-access.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const lang = { lang: v.optional(v.pipe(v.string(), v.maxLength(16))) };
const EvidenceQuerySchema = v.strictObject({
  ...lang,
  unit: KeySchema,
  metric: EvidenceMetricSchema,
  format: v.optional(v.picklist(['json', 'csv', 'xlsx']), 'json'),
});
const LangQuerySchema = v.strictObject(lang);

/** A scorecard or its evidence as a file (CSV, XLSX) is an export: its own permission, and logged. */
const requireExport = (c: Context<StaffEnv>): void => {
  if (!can(principalOf(c).role, 'appraisal.export')) {
    throw new DomainError('FORBIDDEN', '无权导出考核表', { status: 403, details: { en: 'You may not export scorecards.' } });
  }
};

const unitKindOf = (c: Context): AppraisalUnitKind => {
  const parsed = v.safeParse(v.picklist(appraisalUnitKinds), c.req.param('unitKind'));
  if (!parsed.success) {
    throw invalidField(
      'path.unitKind',
      { 'zh-CN': '考核对象须为 department、window 或 staff', en: 'must be department, window or staff' },
      400,
    );
  }
  return parsed.output;
};

const periodOf = (c: Context, value: string | undefined): string => {
  const parsed = v.safeParse(AppraisalPeriodSchema, value);
  if (!parsed.success) {
    throw invalidField(
      'path.period',
      {
        'zh-CN': '考核周期须为 YYYY-MM、YYYY-Qn 或 YYYY',
        en: 'a month YYYY-MM, a quarter YYYY-Qn or a year YYYY',
      },
      400,
    );
  }
  return parsed.output;
};

const appraisalOf = (deps: StaffApiDeps): AppraisalQueries => {
  const queries = readModels(deps.queries);
  if (!queries.appraisal)
    throw invalidField(
      'path',
      { 'zh-CN': '考核统计暂不可用', en: 'Scorecards are not available here.' },
      400,
    );
  return queries.appraisal;
};

const download = (c: Context, body: Uint8Array | string, type: string, fileName: string) =>
  c.body(typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>), 200, {
    'content-type': type,
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
  });

/** The computed value of an overridable metric on a scorecard line. */
const computedOf = (
  line: ScorecardLine | undefined,
  metric: v.InferOutput<typeof ScoreOverrideBodySchema>['metric'],
): number | null => {
  if (!line) return null;
  const rates: Record<string, Rate> = {
    good_rate: line.goodRate,
    satisfied_rate: line.satisfiedRate,
    negative_rate: line.negativeRate,
    rectification_completion_rate: line.rectificationCompletionRate,
    on_time_dispatch_rate: line.onTimeDispatchRate,
    on_time_reply_rate: line.onTimeReplyRate,
  };
  return metric === 'award_eligible' ? (line.eligibility.eligible ? 1 : 0) : (rates[metric]?.value ?? null);
};

/**
 * Appraisal scorecards (考核表) of departments, windows and staff for a month, quarter or year:
 *   GET  /scorecards/rules                                       the appraisal rules in force
 *   GET  /scorecards/:unitKind/:period[.xlsx|.csv]               JSON, or an export (logged as an event)
 *   GET  /scorecards/:unitKind/:period/evidence?unit=&metric=    the ratings or warnings behind a number (format=csv|xlsx too)
 *   POST /scorecards/:unitKind/:period/overrides                 { unit, metric, value, reason } with Idempotency-Key
 * District-wide figures: appraisal roles only (core/access/permissions.ts).
 */
export const scorecardRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();

  const load = async (unit: AppraisalUnitKind, period: string) => {
    const [rules, overrides] = await Promise.all([
      loadAppraisalRules(deps.store),
      loadOverrides(deps.store, unit, period),
    ]);
    const card = await appraisalOf(deps).scorecard({ unit, period, rules, overrides: overrides.overrides });
    return { rules, card };
  };

  const logExport = async (c: Context<StaffEnv>, entry: Parameters<typeof logScorecardExport>[1]) => {
    const principal = principalOf(c);
    await logScorecardExport(deps.store, entry, {
      eventId: crypto.randomUUID(),
      actor: metadataActor(principal),
      at: deps.clock.now(),
    });
  };

  app.get(
    '/rules',
    staffRoute({
      tag: 'appraisal',
      summary: '考核规则 The appraisal rules in force',
      query: LangQuerySchema,
    }),
    requirePermission('appraisal.read'),
    async (c) => {
      parseQuery(c, LangQuerySchema);
      return c.json(await loadAppraisalRules(deps.store));
    },
  );

  app.get(
    '/:unitKind/:file',
    staffRoute({
      tag: 'appraisal',
      summary: '考核表 The scorecard of a period for departments, windows or staff (.xlsx / .csv to export)',
      query: LangQuerySchema,
      problems: [400, 404],
      responses: {
        200: {
          description: 'JSON, or the XLSX / CSV export',
          content: {
            'application/json': { schema: { type: 'object' } },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
              schema: { type: 'string', format: 'binary' },
            },
            'text/csv': { schema: { type: 'string' } },
          },
        },
      },
    }),
    requirePermission('appraisal.read'),
    async (c) => {
      parseQuery(c, LangQuerySchema);
      const unitKind = unitKindOf(c);
      const [periodText, format = 'json'] = c.req.param('file').split(/\.(?=xlsx$|csv$)/);
      const period = periodOf(c, periodText);
      if (format !== 'json') requireExport(c);
      const { card } = await load(unitKind, period);
      if (format === 'json') return c.json(card);
      const language: Lang = chooseLang(c.req.raw);
      await logExport(c, { unitKind, period, format: format as 'xlsx' | 'csv', rows: card.rows.length });
      return format === 'xlsx'
        ? download(
            c,
            await scorecardXlsx(card, { lang: language, created: deps.clock.now() }),
            XLSX_TYPE,
            scorecardFileName(card, 'xlsx', language),
          )
        : download(
            c,
            scorecardCsv(card, language),
            'text/csv; charset=utf-8',
            scorecardFileName(card, 'csv', language),
          );
    },
  );

  app.get(
    '/:unitKind/:period/evidence',
    staffRoute({
      tag: 'appraisal',
      summary: '考核依据 The ratings and warnings behind one number of a scorecard',
      query: EvidenceQuerySchema,
      problems: [400, 404],
      responses: {
        200: {
          description: 'JSON, or the XLSX / CSV export',
          content: {
            'application/json': { schema: { type: 'object' } },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
              schema: { type: 'string', format: 'binary' },
            },
            'text/csv': { schema: { type: 'string' } },
          },
        },
      },
    }),
    requirePermission('appraisal.read'),
    async (c) => {
      const query = parseQuery(c, EvidenceQuerySchema);
      if (query.format !== 'json') requireExport(c);
      const unitKind = unitKindOf(c);
      const period = periodOf(c, c.req.param('period'));
      // A window is appraised by its key: a bare window code names a window of every hall.
      if (unitKind === 'window' && windowOf(query.unit).hall === null) {
        throw invalidField(
          'query.unit',
          { 'zh-CN': '窗口须写作“大厅代码/窗口代码”,如 H-SMZJ/W07', en: 'a window as <hall code>/<window code>, such as H-SMZJ/W07' },
        );
      }
      const rules = await loadAppraisalRules(deps.store);
      const evidence = await appraisalOf(deps).evidence({
        unit: unitKind,
        code: query.unit,
        period,
        metric: query.metric,
        rules: rules.value,
      });
      if (query.format === 'json') return c.json(evidence);
      const language: Lang = chooseLang(c.req.raw);
      await logExport(c, {
        unitKind,
        period,
        format: query.format,
        rows: evidence.ratings.length + evidence.warnings.length,
        evidence: { unit: query.unit, metric: query.metric },
      });
      const name = `${query.unit}-${query.metric}-${period}.${query.format}`;
      return query.format === 'xlsx'
        ? download(
            c,
            await evidenceXlsx(evidence, { lang: language, created: deps.clock.now() }),
            XLSX_TYPE,
            name,
          )
        : download(c, evidenceCsv(evidence, language), 'text/csv; charset=utf-8', name);
    },
  );

  app.post(
    '/:unitKind/:period/overrides',
    staffRoute({
      tag: 'appraisal',
      summary: '调整分值 Override a score with a written reason (kept beside the computed value)',
      body: ScoreOverrideBodySchema,
      idempotent: true,
      problems: [404],
    }),
    requirePermission('appraisal.override'),
    async (c) => {
      const principal = principalOf(c);
      const unitKind = unitKindOf(c);
      const period = periodOf(c, c.req.param('period'));
      const key = idempotencyKey(c);
      const body = await readBody(c, ScoreOverrideBodySchema);
      const { card } = await load(unitKind, period);
      const line = card.rows.find((row) => row.unit === body.unit);
      if (!line)
        throw invalidField(
          'unit',
          { 'zh-CN': '该周期没有这个考核对象', en: 'no such unit in this period' },
          422,
        );
      const at = deps.clock.now();
      const actor = metadataActor(principal);
      const result = await handleCommand(
        deps.store,
        appraisalStreamId(unitKind, period),
        appraisalDecider,
        {
          type: 'OverrideScore',
          unitKind,
          unit: body.unit,
          period,
          metric: body.metric,
          computed: computedOf(line, body.metric),
          value: body.value,
          reason: body.reason,
          actor,
          at,
        },
        { ...staffCommand(c, principal.accountId, key, body), actor, now: at },
      );
      if (result.alreadyHandled) c.header('idempotent-replayed', 'true');
      return c.json({
        alreadyHandled: result.alreadyHandled,
        appended: result.appended.map((event) => ({
          id: event.id,
          type: event.type,
          streamVersion: event.streamVersion,
        })),
        overrides: Object.values(result.state.overrides).filter((o) => o.unit === body.unit),
      });
    },
  );

  return app;
};
