import { describe, expect, it } from 'vitest';
import { spec } from '../decider/testing.ts';
import type { RecordedEvent } from '../eventstore/types.ts';
import { defaultQuestionnaireConfig } from '../questionnaire/default-config.ts';
import { warningPolicyDecider } from './config.ts';
import { raiseCommandFor, warningIdFor } from './reactor.ts';
import { defaultRoutingTable, route } from './routing.ts';
import { defaultWarningRules, matchRule } from './rules.ts';
import { sampleRating } from './testing.ts';

const rated = (data = sampleRating()): RecordedEvent =>
  ({
    id: '7d3f1b52-1c1e-4a43-9a43-0d8f3b0b9a11',
    type: 'EvaluationSubmitted',
    schemaVersion: 1,
    data,
    metadata: { occurredAt: data.submittedAt },
    streamId: `invitation-${data.invitationId}`,
    streamVersion: 3,
    globalPosition: 10n,
    logPosition: '1/10',
    recordedAt: data.submittedAt,
  }) as unknown as RecordedEvent;

const policy = warningPolicyDecider.initialState;
const reasons = defaultQuestionnaireConfig.reasons;
const now = new Date('2026-09-30T02:15:05Z');

describe('warning rules', () => {
  it('raises for 不满意 and 非常不满意 with the severity of the level', () => {
    expect(matchRule(defaultWarningRules, { type: 'EvaluationSubmitted', data: sampleRating({ overall: 1 }) })).toMatchObject({
      rule: { id: 'rating.negative' },
      severity: 'high',
    });
    expect(matchRule(defaultWarningRules, { type: 'EvaluationSubmitted', data: sampleRating({ overall: 2 }) })?.severity).toBe('medium');
  });

  it('raises at a lower severity for 基本满意 with a reason that counts as negative ("办事体验一般")', () => {
    const match = matchRule(defaultWarningRules, {
      type: 'EvaluationSubmitted',
      data: sampleRating({ overall: 3, reasons: ['R01'], negative: true, answers: [] }),
    });
    expect(match).toMatchObject({ rule: { id: 'rating.negative-reason', kind: 'negative_rating' }, severity: 'low' });
  });

  it('raises process dissatisfaction from the 流程便捷性 answers of an otherwise good rating', () => {
    const match = matchRule(defaultWarningRules, {
      type: 'EvaluationSubmitted',
      data: sampleRating({ overall: 4, negative: false, reasons: [], answers: [{ code: 'PC02', level: 1 }] }),
    });
    expect(match?.rule.kind).toBe('process_dissatisfaction');
  });

  it('raises nothing for a good rating, and never more than one warning per fact', () => {
    expect(
      matchRule(defaultWarningRules, {
        type: 'EvaluationSubmitted',
        data: sampleRating({ overall: 5, negative: false, reasons: [], answers: [{ code: 'PC02', level: 5 }] }),
      }),
    ).toBeNull();
  });
});

describe('routing table (预警类型-责任部门对照表)', () => {
  it('sends business-handling warnings to the competent department', () => {
    expect(route(defaultRoutingTable, 'negative_rating', 'business', 'SCJ')).toEqual({ leadDepartment: 'SCJ', cooperatingDepartments: [] });
  });
  it('sends on-site management warnings to the government service department, the competent one cooperating', () => {
    expect(route(defaultRoutingTable, 'negative_rating', 'site', 'SCJ')).toEqual({
      leadDepartment: 'ZSJ',
      cooperatingDepartments: ['SCJ'],
    });
  });
  it('does not list the lead among its own cooperating departments', () => {
    expect(route(defaultRoutingTable, 'process_dissatisfaction', 'any' as never, 'ZSJ')).toEqual({
      leadDepartment: 'ZSJ',
      cooperatingDepartments: [],
    });
  });
});

describe('raise command for a rating', () => {
  it('derives the warning id from the source event, routes it and records the versions in force', async () => {
    const command = await raiseCommandFor(rated(), { policy, reasons }, now);
    expect(command).toMatchObject({
      type: 'RaiseWarning',
      warningId: await warningIdFor('7d3f1b52-1c1e-4a43-9a43-0d8f3b0b9a11'),
      kind: 'negative_rating',
      severity: 'medium',
      ruleId: 'rating.negative@v0',
      leadDepartment: 'SCJ',
      routingTableVersion: 0,
      source: { invitationId: 'inv-0001', caseId: 'ga:2026093000017' },
      subject: { department: 'SCJ', hallId: 'H01', windowId: 'W12', staffId: 'staff-0412' },
      dispatch: { dueAt: '2026-09-30T03:15:05.000Z', reminderAt: '2026-09-30T03:00:05.000Z' },
      citizenContactRef: null,
    });
    expect(command!.warningId).toMatch(/^yj[0-9a-f]{22}$/);
  });

  it('keeps the warning id when the rules are republished in another order and another rule matches first: one warning per fact', async () => {
    // A 不满意 with a reason that raises a warning by itself matches two rules.
    const rating = rated(sampleRating({ overall: 2, reasons: ['R01'], negative: true }));
    const reordered = { ...policy, rules: { version: 2, value: { ...defaultWarningRules, rules: [...defaultWarningRules.rules].reverse() } } };
    const before = await raiseCommandFor(rating, { policy, reasons }, now);
    const after = await raiseCommandFor(rating, { policy: reordered, reasons }, now);
    expect(after!.ruleId.split('@')[0], 'another rule matches first').not.toBe(before!.ruleId.split('@')[0]);
    expect(after!.warningId).toBe(before!.warningId);
  });

  it('keeps a way to reach a real-name rater, and none for an anonymous one', async () => {
    const sealed = { sealed: { v: 1, kid: 'k1', iv: 'x', ct: 'y' }, masked: '138****1234', blindIndex: 'b' };
    const command = await raiseCommandFor(
      rated(sampleRating({ evaluator: { identity: 'real_name', phone: sealed as never } })),
      { policy, reasons },
      now,
    );
    expect(command?.citizenContactRef).toBe('invitation-inv-0001');
  });
});

describe('warning policy configuration (versioned as events)', () => {
  const actor = { id: 'admin-1', role: 'administrator' };
  const at = new Date('2026-10-01T00:00:00Z');

  it('publishes a routing table as version 1 with who, when and why', () => {
    const table = { ...defaultRoutingTable, serviceDepartment: 'ZWFW' };
    spec(warningPolicyDecider)
      .given([])
      .when({ type: 'PublishRoutingTable', table, reason: '机构改革后更名', actor, at })
      .then([
        {
          type: 'RoutingTablePublished',
          data: { version: 1, value: table, by: 'admin-1', reason: '机构改革后更名', at: '2026-10-01T00:00:00.000Z' },
        },
      ]);
  });

  it('refuses rules whose reminder is not before the dispatch deadline, naming the field', () => {
    spec(warningPolicyDecider)
      .given([])
      .when({
        type: 'PublishWarningRules',
        rules: { ...defaultWarningRules, dispatchReminderBeforeMinutes: 60 },
        reason: '调整',
        actor,
        at,
      })
      .thenRefuses('WARNING_POLICY_INVALID');
  });

  it('refuses a change without a reason', () => {
    spec(warningPolicyDecider)
      .given([])
      .when({ type: 'PublishWarningRules', rules: defaultWarningRules, reason: ' ', actor, at })
      .thenRefuses('WARNING_POLICY_INVALID');
  });
});
