import type { Context } from 'hono';
import { Hono } from 'hono';
import { calendarConfigDecider, calendarConfigStreamId } from '../../../core/calendar/decider.ts';
import type { CalendarConfigEvent } from '../../../core/calendar/events.ts';
import type { OfficialCalendar } from '../../../core/calendar/official.ts';
import { chineseDaysCalendar } from '../../../core/calendar/official.ts';
import { handleCommand } from '../../../core/decider/command-handler.ts';
import { fold } from '../../../core/decider/decider.ts';
import { defaultQuestionnaireConfig } from '../../../core/questionnaire/default-config.ts';
import { loadQuestionnaires } from '../../../core/questionnaire/repository.ts';
import type { WarningPolicyCommand } from '../../../core/warning-policy/config.ts';
import { warningPolicyDecider, warningPolicyStreamId } from '../../../core/warning-policy/config.ts';
import { loadWarningPolicy } from '../../../core/warning-policy/reactor.ts';
import { idempotencyKey, readBody, staffCommand } from '../body.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { LangOnlyQuerySchema, parseQuery } from '../query-schemas.ts';
import { PublishRoutingSchema, PublishRulesSchema } from '../schemas.ts';
import { metadataActor } from '../warning-access.ts';
import { staffRoute } from '../openapi.ts';

/** The calendar years a page lists: last, this and next year (Beijing), plus every loaded year. */
const shownYears = (now: Date, loaded: readonly number[]): number[] => {
  const year = Number(new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 4));
  return [...new Set([year - 1, year, year + 1, ...loaded])].sort((a, b) => a - b);
};

/**
 * Configuration in force (配置): the questionnaire, the warning policy (rules and routing table) and
 * the working calendar, read from their config streams (the event store is the truth). Publishing
 * rules or a routing table goes through warningPolicyDecider with the Idempotency-Key as the command:
 * the change is an event carrying who, when, why and the whole new value.
 */
export const configRoutes = (deps: StaffApiDeps, official: OfficialCalendar = chineseDaysCalendar) => {
  const app = new Hono<StaffEnv>();

  app.get('/questionnaire', staffRoute({ tag: 'config', summary: 'The questionnaire in force', query: LangOnlyQuerySchema }), requirePermission('config.read'), async (c) => {
    parseQuery(c, LangOnlyQuerySchema);
    const state = await loadQuestionnaires(deps.store);
    // Version 0: nothing published yet; the intake publishes the shipped bank on its first start.
    return c.json({
      version: state.current,
      value: state.versions[state.current] ?? defaultQuestionnaireConfig,
    });
  });

  app.get('/warning-policy', staffRoute({ tag: 'config', summary: 'The warning policy in force', query: LangOnlyQuerySchema }), requirePermission('config.read'), async (c) => {
    parseQuery(c, LangOnlyQuerySchema);
    const policy = await loadWarningPolicy(deps.store);
    return c.json({ rules: policy.rules, routing: policy.routing });
  });

  const publish = async (
    c: Context<StaffEnv>,
    build: (at: Date) => Promise<Omit<WarningPolicyCommand, 'actor' | 'at'>>,
  ) => {
    const principal = principalOf(c);
    const key = idempotencyKey(c);
    const at = deps.clock.now();
    const partial = await build(at);
    const actor = metadataActor(principal);
    const result = await handleCommand(
      deps.store,
      warningPolicyStreamId,
      warningPolicyDecider,
      { ...partial, actor, at } as WarningPolicyCommand,
      {
        ...staffCommand(c, principal.accountId, key, partial),
        actor,
        now: at,
      },
    );
    if (result.alreadyHandled) c.header('idempotent-replayed', 'true');
    return c.json({
      alreadyHandled: result.alreadyHandled,
      version: result.streamVersion,
      appended: result.appended.map((event) => ({
        id: event.id,
        type: event.type,
        streamVersion: event.streamVersion,
      })),
      rules: result.state.rules,
      routing: result.state.routing,
    });
  };

  app.put('/warning-policy/routing', staffRoute({ tag: 'config', summary: 'Publish a routing table (with the reason)', body: PublishRoutingSchema, idempotent: true, problems: [409] }), requirePermission('config.manage'), (c) =>
    publish(c, async () => {
      const body = await readBody(c, PublishRoutingSchema);
      return { type: 'PublishRoutingTable', table: body.table, reason: body.reason };
    }),
  );

  app.put('/warning-policy/rules', staffRoute({ tag: 'config', summary: 'Publish warning rules (with the reason)', body: PublishRulesSchema, idempotent: true, problems: [409] }), requirePermission('config.manage'), (c) =>
    publish(c, async () => {
      const body = await readBody(c, PublishRulesSchema);
      return { type: 'PublishWarningRules', rules: body.rules, reason: body.reason };
    }),
  );

  app.get('/calendar', staffRoute({ tag: 'config', summary: 'The working calendar years', query: LangOnlyQuerySchema }), requirePermission('config.read'), async (c) => {
    parseQuery(c, LangOnlyQuerySchema);
    const events = (await deps.store.readStream(calendarConfigStreamId)) as unknown as CalendarConfigEvent[];
    const { years } = fold(calendarConfigDecider, events);
    const rows = shownYears(deps.clock.now(), Object.keys(years).map(Number)).map((year) => {
      const loaded = years[year];
      if (loaded) {
        return {
          year,
          source: 'loaded' as const,
          version: loaded.version,
          holidays: loaded.holidays.length,
          makeUpWorkdays: loaded.makeUpWorkdays.length,
          loadedBy: loaded.loadedBy,
          loadedAt: loaded.loadedAt,
          document: loaded.source.documentNumber ?? loaded.source.title,
        };
      }
      return { year, source: official.covers(year) ? ('official' as const) : ('fallback' as const) };
    });
    return c.json({ rows });
  });

  return app;
};
