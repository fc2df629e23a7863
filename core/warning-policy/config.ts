/**
 * The warning policy's configuration as events in one stream, `config-warning-policy`: every
 * publication of rules or of the routing table is a fact with who, when, why and the whole new value,
 * so an auditor can see what was in force when any warning was raised.
 */
import * as v from 'valibot';
import type { Decider } from '../decider/decider.ts';
import { assertNever } from '../decider/decider.ts';
import type { Actor } from '../eventstore/types.ts';
import { DomainError } from '../shared/errors.ts';
import type { RoutingTable } from './routing.ts';
import { defaultRoutingTable } from './routing.ts';
import type { WarningRules } from './rules.ts';
import { defaultWarningRules } from './rules.ts';

export const warningPolicyStreamId = 'config-warning-policy';

const kind = v.picklist(['negative_rating', 'overdue_case', 'process_dissatisfaction', 'quality_trend']);
const severity = v.picklist(['low', 'medium', 'high']);
const texts = v.object({ 'zh-CN': v.pipe(v.string(), v.minLength(1)), en: v.pipe(v.string(), v.minLength(1)) });
const level = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5));

export const warningRulesSchema = v.object({
  dispatchWithinMinutes: v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(24 * 60)),
  dispatchReminderBeforeMinutes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  rules: v.pipe(
    v.array(
      v.object({
        id: v.pipe(v.string(), v.regex(/^[a-z0-9.-]{3,64}$/)),
        kind,
        when: v.variant('on', [
          v.object({ on: v.literal('rating_level'), atOrBelow: level }),
          v.object({ on: v.literal('rating_negative_reason') }),
          v.object({ on: v.literal('indicator_level'), categories: v.array(v.pipe(v.string(), v.minLength(1))), atOrBelow: level }),
          v.object({ on: v.literal('case_overdue') }),
        ]),
        severity,
        severityByLevel: v.optional(v.record(v.picklist(['1', '2', '3', '4', '5']), severity)),
        title: texts,
      }),
    ),
    v.check((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'rule ids must be unique'),
  ),
});

const department = v.union([v.literal('competent'), v.literal('service_department'), v.object({ code: v.pipe(v.string(), v.minLength(1)) })]);

export const routingTableSchema = v.object({
  serviceDepartment: v.pipe(v.string(), v.minLength(1)),
  entries: v.array(
    v.object({ kind, concern: v.picklist(['business', 'site', 'any']), lead: department, cooperating: v.array(department) }),
  ),
});

type Published<T> = { readonly version: number; readonly value: T; readonly by: string; readonly reason: string; readonly at: string };

export type WarningPolicyEvent =
  | { readonly type: 'WarningRulesPublished'; readonly data: Published<WarningRules> }
  | { readonly type: 'RoutingTablePublished'; readonly data: Published<RoutingTable> };

export type WarningPolicyCommand =
  | { readonly type: 'PublishWarningRules'; readonly rules: WarningRules; readonly reason: string; readonly actor: Actor; readonly at: Date }
  | { readonly type: 'PublishRoutingTable'; readonly table: RoutingTable; readonly reason: string; readonly actor: Actor; readonly at: Date };

/** What is in force; version 0 means the shipped defaults (nothing published yet). */
export interface WarningPolicy {
  readonly rules: { readonly version: number; readonly value: WarningRules };
  readonly routing: { readonly version: number; readonly value: RoutingTable };
}

/** Refuses in both languages: the message in Chinese, `en` shown to English readers (problem+json). */
const refuse = (field: string, message: string, en: string): never => {
  throw new DomainError('WARNING_POLICY_INVALID', message, { status: 422, details: { field, en } });
};

export const warningPolicyDecider: Decider<WarningPolicyCommand, WarningPolicyEvent, WarningPolicy> = {
  initialState: { rules: { version: 0, value: defaultWarningRules }, routing: { version: 0, value: defaultRoutingTable } },
  schemaVersions: { WarningRulesPublished: 1, RoutingTablePublished: 1 },
  decide(command, state) {
    if (command.reason.trim() === '') refuse('reason', '请填写变更原因', 'Give a reason for the change.');
    const common = { by: command.actor.id, reason: command.reason, at: command.at.toISOString() };
    switch (command.type) {
      case 'PublishWarningRules': {
        const parsed = v.safeParse(warningRulesSchema, command.rules);
        if (!parsed.success) refuse(`rules.${v.getDotPath(parsed.issues[0]) ?? ''}`, parsed.issues[0].message, parsed.issues[0].message);
        if (command.rules.dispatchReminderBeforeMinutes >= command.rules.dispatchWithinMinutes) {
          refuse('rules.dispatchReminderBeforeMinutes', '派单提醒须早于派单时限', 'The dispatch reminder must come before the dispatch deadline.');
        }
        return [{ type: 'WarningRulesPublished', data: { version: state.rules.version + 1, value: command.rules, ...common } }];
      }
      case 'PublishRoutingTable': {
        const parsed = v.safeParse(routingTableSchema, command.table);
        if (!parsed.success) refuse(`table.${v.getDotPath(parsed.issues[0]) ?? ''}`, parsed.issues[0].message, parsed.issues[0].message);
        return [{ type: 'RoutingTablePublished', data: { version: state.routing.version + 1, value: command.table, ...common } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'WarningRulesPublished':
        return { ...state, rules: { version: event.data.version, value: event.data.value } };
      case 'RoutingTablePublished':
        return { ...state, routing: { version: event.data.version, value: event.data.value } };
      default:
        return assertNever(event);
    }
  },
};
