import { describe, expect, it } from 'vitest';
import { fold } from '../core/decider/decider.ts';
import { warningDecider } from '../core/warning/decider.ts';
import type { WarningEvent } from '../core/warning/events.ts';
import type { OpenWarning } from '../core/warning/state.ts';
import {
  callbackDeadlinesSet,
  dispatched,
  iso,
  onSiteRecorded,
  phoneRecorded,
  raised,
  replied,
  replyDeadlineSet,
} from '../core/warning/testing.ts';
import { defaultLifecycleConfig } from './config.ts';
import { planActions } from './plan.ts';

const plan = (events: WarningEvent[]) =>
  planActions(fold(warningDecider, events) as OpenWarning, defaultLifecycleConfig).map((p) => [p.key, p.at === 0 ? 'now' : new Date(p.at).toISOString()]);
const H = 60 * 60 * 1000;

describe('planActions: the next steps of a warning, from its state alone', () => {
  it('a raised warning: alert now, remind before and escalate at and after the dispatch deadline', () => {
    expect(plan([raised()])).toEqual([
      ['dispatch-alert:0', 'now'],
      ['dispatch-reminder:0', iso('2026-03-03T10:45:00')],
      ['dispatch-escalation-1:0', iso('2026-03-03T11:00:00')],
      ['dispatch-escalation-2:0', new Date(Date.parse(iso('2026-03-03T11:00:00')) + H).toISOString()],
    ]);
  });

  it('after dispatch: tell the citizen and set the reply deadline; then remind and escalate by it', () => {
    expect(plan([raised(), dispatched])).toEqual([
      ['citizen-dispatched:0', 'now'],
      ['reply-deadline:0', 'now'],
    ]);
    const notified: WarningEvent = { type: 'CitizenNotified', data: { step: 'dispatched', round: 0, at: iso('2026-03-03T10:30:01') } };
    expect(plan([raised(), dispatched, notified, replyDeadlineSet()])).toEqual([
      ['reply-reminder:0', iso('2026-03-06T00:00:00')],
      ['reply-escalation-1:0', iso('2026-03-07T00:00:00')],
      ['reply-escalation-2:0', iso('2026-03-08T00:00:00')],
    ]);
  });

  it('after the reply: call-back deadlines, then each check on its own clock until recorded', () => {
    const afterReply = [raised('w', { citizenContactRef: null }), dispatched, replyDeadlineSet(), replied()];
    expect(plan(afterReply)).toEqual([['callback-deadlines:0', 'now']]);
    expect(plan([...afterReply, callbackDeadlinesSet(), phoneRecorded(true)])).toEqual([
      ['on_site-callback-reminder:0', iso('2026-03-12T00:00:00')],
      ['on_site-callback-escalation-1:0', iso('2026-03-13T00:00:00')],
    ]);
  });

  it('a closed, rectified warning only tells the citizen; an anonymous one has nothing left', () => {
    const closed: WarningEvent = { type: 'WarningClosed', data: { outcome: 'rectified', ratingExcludedFromAppraisal: false, at: iso('2026-03-06T14:30:00') } };
    const history = [dispatched, replyDeadlineSet(), replied(), callbackDeadlinesSet(), phoneRecorded(true), onSiteRecorded(true), closed];
    expect(plan([raised(), ...history]).map(([key]) => key)).toEqual(['citizen-dispatched:0', 'citizen-replied:0', 'citizen-closed:0']);
    expect(plan([raised('w', { citizenContactRef: null }), ...history])).toEqual([]);
  });

  it('after a reopening the next round starts at the reply deadline again', () => {
    const reopened: WarningEvent = { type: 'WarningReopened', data: { count: 1, failedCheck: 'on_site', at: iso('2026-03-06T14:30:00') } };
    const history = [raised('w', { citizenContactRef: null }), dispatched, replyDeadlineSet(), replied(), callbackDeadlinesSet(), phoneRecorded(true), onSiteRecorded(false), reopened];
    expect(plan(history)).toEqual([['reply-deadline:1', 'now']]);
  });
});
