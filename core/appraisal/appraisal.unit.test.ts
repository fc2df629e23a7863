import { describe, expect, it } from 'vitest';
import { spec } from '../decider/testing.ts';
import type { AppraisalCommand, AppraisalEvent } from './overrides.ts';
import { appraisalDecider, overrideKey } from './overrides.ts';
import type { AppraisalRulesCommand } from './rules.ts';
import { appraisalRulesDecider, defaultAppraisalRules } from './rules.ts';
import { exportLogStreamId } from './export-log.ts';

const actor = { id: 'acc-appraisal', role: 'appraisal_officer' };
const at = new Date('2025-11-03T02:00:00.000Z');

const override = (overrides: Partial<AppraisalCommand> = {}): AppraisalCommand => ({
  type: 'OverrideScore',
  unitKind: 'department',
  unit: 'D-MKT',
  period: '2025-10',
  metric: 'rectification_completion_rate',
  computed: 0.5,
  value: 0.75,
  reason: '两条预警因系统故障延误,经专班核实',
  actor,
  at,
  ...overrides,
});

const overridden = (data: Partial<AppraisalEvent['data']> = {}): AppraisalEvent => ({
  type: 'ScoreOverridden',
  data: {
    unitKind: 'department',
    unit: 'D-MKT',
    period: '2025-10',
    metric: 'rectification_completion_rate',
    computed: 0.5,
    value: 0.75,
    reason: '两条预警因系统故障延误,经专班核实',
    actor,
    at: at.toISOString(),
    ...data,
  },
});

describe('score overrides (人工调整)', () => {
  it('records the computed value, the new value, the reason and the officer', () => {
    spec(appraisalDecider).given([]).when(override()).then([overridden()]);
  });

  it('refuses an empty or blank reason', () => {
    spec(appraisalDecider).given([]).when(override({ reason: '   ' })).thenRefuses('SCORE_OVERRIDE_INVALID');
  });

  it('refuses a rate outside 0…1 and an eligibility other than 0 or 1', () => {
    spec(appraisalDecider).given([]).when(override({ value: 1.2 })).thenRefuses('SCORE_OVERRIDE_INVALID');
    spec(appraisalDecider).given([]).when(override({ value: Number.NaN })).thenRefuses('SCORE_OVERRIDE_INVALID');
    spec(appraisalDecider).given([]).when(override({ metric: 'award_eligible', value: 0.5 })).thenRefuses('SCORE_OVERRIDE_INVALID');
    spec(appraisalDecider)
      .given([])
      .when(override({ metric: 'award_eligible', computed: 0, value: 1 }))
      .then([overridden({ metric: 'award_eligible', computed: 0, value: 1 })]);
  });

  it('the latest override is in force; repeating it changes nothing', () => {
    const later = overridden({ value: 0.8, reason: '复核后再调整' });
    spec(appraisalDecider)
      .given([overridden(), later])
      .thenState({ overrides: { [overrideKey('D-MKT', 'rectification_completion_rate')]: later.data } });
    spec(appraisalDecider).given([overridden()]).when(override()).then([]);
  });
});

describe('appraisal rules (考核规则)', () => {
  const publish = (overrides: Partial<AppraisalRulesCommand> = {}): AppraisalRulesCommand => ({
    type: 'PublishAppraisalRules',
    rules: { ...defaultAppraisalRules, consecutiveUnrectifiedLimit: 4 },
    reason: '区政府办公室通知',
    actor,
    at,
    ...overrides,
  });

  it('ships the seed rule: 3 consecutive unrectified warnings', () => {
    expect(appraisalRulesDecider.initialState).toEqual({ version: 0, value: defaultAppraisalRules });
    expect(defaultAppraisalRules.consecutiveUnrectifiedLimit).toBe(3);
  });

  it('publishes a new version with who, when and why', () => {
    spec(appraisalRulesDecider)
      .given([])
      .when(publish())
      .then([
        {
          type: 'AppraisalRulesPublished',
          data: {
            version: 1,
            value: { ...defaultAppraisalRules, consecutiveUnrectifiedLimit: 4 },
            by: actor.id,
            reason: '区政府办公室通知',
            at: at.toISOString(),
          },
        },
      ]);
  });

  it('refuses a limit of 0 and a missing reason', () => {
    spec(appraisalRulesDecider)
      .given([])
      .when(publish({ rules: { ...defaultAppraisalRules, consecutiveUnrectifiedLimit: 0 } }))
      .thenRefuses('APPRAISAL_RULES_INVALID');
    spec(appraisalRulesDecider).given([]).when(publish({ reason: '' })).thenRefuses('APPRAISAL_RULES_INVALID');
  });
});

describe('export log stream', () => {
  it('is monthly in Beijing time', () => {
    expect(exportLogStreamId(new Date('2025-10-31T16:30:00Z'))).toBe('appraisal-exports-2025-11');
  });
});
