/**
 * Configuration reads and writes (requested routes; none exist in the staff API yet). Writes carry a
 * reason, as the config deciders require, and an Idempotency-Key.
 */
import { get, request } from './http.ts';
import type { CalendarYear, QuestionnaireConfig, RoutingTable, Versioned, WarningRules } from './types.ts';

/** GET /config/questionnaire: the published questionnaire (indicator bank, reasons, variants). */
export const fetchQuestionnaire = (): Promise<Versioned<QuestionnaireConfig>> => get('/config/questionnaire');

/** GET /config/warning-policy: warningPolicyDecider's state (rules and routing table in force). */
export const fetchWarningPolicy = (): Promise<{ rules: Versioned<WarningRules>; routing: Versioned<RoutingTable> }> => get('/config/warning-policy');

/** PUT /config/warning-policy/routing → PublishRoutingTable. */
export const publishRoutingTable = (table: RoutingTable, reason: string, idempotencyKey: string): Promise<unknown> =>
  request('PUT', '/config/warning-policy/routing', { json: { table, reason }, idempotencyKey });

/** PUT /config/warning-policy/rules → PublishWarningRules. */
export const publishWarningRules = (rules: WarningRules, reason: string, idempotencyKey: string): Promise<unknown> =>
  request('PUT', '/config/warning-policy/rules', { json: { rules, reason }, idempotencyKey });

/** GET /config/calendar: which years have official, administrator-loaded or fallback calendar data. */
export const fetchCalendarYears = async (): Promise<CalendarYear[]> => (await get<{ rows: CalendarYear[] }>('/config/calendar')).rows;
