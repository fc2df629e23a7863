import { describe, expect, it } from 'vitest';
import type { LogPosition, RecordedEvent } from '../eventstore/types.ts';
import type { WarningEvent } from '../warning/events.ts';
import { actors, callbackDeadlinesSet, cst, dispatched, evidence, iso, onSiteRecorded, phoneRecorded, raised, replied, replyDeadlineSet } from '../warning/testing.ts';
import { configTimeline, jsonChanges } from './timeline-config.ts';
import { warningTimeline } from './timeline-warning.ts';

/** Events as the store would return them, with the actor the command handler records. */
const recorded = (streamId: string, facts: readonly { type: string; data: unknown; actor?: { id: string; role: string; department?: string } }[]): RecordedEvent[] =>
  facts.map((fact, index) => ({
    id: `${streamId}-e${index + 1}`,
    type: fact.type,
    schemaVersion: 1,
    data: fact.data,
    metadata: { occurredAt: (fact.data as { at?: string; raisedAt?: string }).at ?? (fact.data as { raisedAt: string }).raisedAt, ...(fact.actor ? { actor: fact.actor } : {}) },
    streamId,
    streamVersion: index + 1,
    globalPosition: BigInt(100 + index),
    logPosition: String(100 + index).padStart(20, '0') as LogPosition,
    recordedAt: iso('2026-03-03T10:00:00'),
  }));

const as = (event: WarningEvent, actor: { id: string; role: string; department?: string }) => ({ ...event, actor });

describe('warning timeline (审计追溯)', () => {
  const lateReply = replied(0, iso('2026-03-08T09:00:00'), false);
  const events = recorded('warning-w-1', [
    as(raised('w-1'), actors.system),
    as(dispatched, actors.dispatcher),
    as(replyDeadlineSet(0), actors.system),
    {
      type: 'EvidenceAdded',
      data: { by: actors.lead.id, department: 'dept-scjg', evidence: evidence(3), description: '群众电话 13812341234', at: iso('2026-03-04T09:00:00') },
      actor: actors.lead,
    },
    as(lateReply, actors.lead),
    as(callbackDeadlinesSet(0), actors.system),
    as(phoneRecorded(true), actors.officer),
    as(onSiteRecorded(true), actors.officer),
    as({ type: 'WarningClosed', data: { outcome: 'rectified', ratingExcludedFromAppraisal: false, at: iso('2026-03-06T14:30:00') } }, actors.system),
  ]);
  const timeline = warningTimeline('w-1', events, cst('2026-03-20T00:00:00'));

  it('has one step per event, in stream order, with who (id and role), when and what', () => {
    expect(timeline.steps.map((s) => [s.step, s.streamVersion, s.type, s.actor?.id, s.actor?.role, s.at])).toEqual(
      events.map((e, i) => [i + 1, i + 1, e.type, e.metadata.actor?.id, e.metadata.actor?.role, e.metadata.occurredAt]),
    );
    expect(timeline.steps[1]!.what).toEqual({ 'zh-CN': '派单', en: 'Dispatched' });
    expect(timeline.streams).toEqual(['warning-w-1']);
    expect(timeline.related?.map((link) => [link.kind, link.id])).toEqual([
      ['rating', 'inv-1'],
      ['config', 'warning-policy'],
    ]);
  });

  it('lists the evidence files with their content hashes', () => {
    expect(timeline.steps[3]!.evidence).toEqual([evidence(3)]);
    expect(timeline.steps[4]!.evidence).toEqual([evidence(1)]);
    expect(timeline.steps[7]!.evidence).toEqual([evidence(2)]);
  });

  it('masks phones in free text', () => {
    const note = timeline.steps[3]!.details.find((d) => d.label.en === 'Note');
    expect(note?.value).toBe('群众电话 138****1234');
  });

  it('says for each deadline whether it was met, from the events alone', () => {
    expect(timeline.deadlines.map((d) => [d.id, d.status, d.setBy, d.resolvedBy])).toEqual([
      ['dispatch', 'met', 1, 2],
      ['reply-0', 'missed', 3, 5],
      ['phone-0', 'met', 6, 7],
      ['on_site-0', 'met', 6, 8],
    ]);
  });

  it('shows at each step the deadlines in force then', () => {
    const states = (step: number) => timeline.steps[step - 1]!.deadlines.map((d) => `${d.id}:${d.state}`);
    expect(states(1)).toEqual(['dispatch:set']);
    expect(states(2)).toEqual(['dispatch:met']);
    expect(states(4)).toEqual(['reply-0:in_force']);
    expect(states(5)).toEqual(['reply-0:missed']);
    expect(states(9)).toEqual([]);
  });

  it('reports a deadline still open as overdue once the read time is past it, and voids open ones at close', () => {
    const open = warningTimeline('w-1', events.slice(0, 3), cst('2026-03-20T00:00:00'));
    expect(open.deadlines.map((d) => d.status)).toEqual(['met', 'overdue']);
    const early = warningTimeline('w-1', events.slice(0, 3), cst('2026-03-04T00:00:00'));
    expect(early.deadlines.map((d) => d.status)).toEqual(['met', 'open']);
    const closedEarly = warningTimeline('w-1', [...events.slice(0, 3), events[8]!], cst('2026-03-20T00:00:00'));
    expect(closedEarly.deadlines.map((d) => d.status)).toEqual(['met', 'void']);
  });
});

describe('configuration timeline (配置变更)', () => {
  const table = (lead: string) => ({ serviceDepartment: 'ZSJ', entries: [{ kind: 'negative_rating', concern: 'any', lead: { code: lead }, cooperating: [] }] });
  const events = recorded('config-warning-policy', [
    { type: 'RoutingTablePublished', data: { version: 1, value: table('SCJ'), by: 'admin', reason: '初始', at: iso('2026-03-01T09:00:00') }, actor: { id: 'admin', role: 'administrator' } },
    { type: 'RoutingTablePublished', data: { version: 2, value: table('RSJ'), by: 'admin', reason: '职责调整', at: iso('2026-03-02T09:00:00') }, actor: { id: 'admin', role: 'administrator' } },
  ]);

  it('says who changed the routing table, when, and from what to what', () => {
    const timeline = configTimeline('warning-policy', events, cst('2026-03-20T00:00:00'));
    const second = timeline.steps[1]!;
    expect(second).toMatchObject({ actor: { id: 'admin', role: 'administrator' }, at: iso('2026-03-02T09:00:00'), what: { 'zh-CN': '发布责任部门对照表' } });
    expect(second.changes).toEqual([{ path: 'entries[0].lead.code', from: 'SCJ', to: 'RSJ' }]);
    expect(second.details.map((d) => d.value)).toEqual(['2', '职责调整', '1']);
  });

  it('diffs nested values, additions and removals', () => {
    expect(jsonChanges({ a: [1, 2], b: 'x' }, { a: [1], c: true })).toEqual([
      { path: 'a[1]', from: '2', to: null },
      { path: 'b', from: 'x', to: null },
      { path: 'c', from: null, to: 'true' },
    ]);
  });
});

describe('PDF font lookup', () => {
  it('names the missing font and the Debian package to install', async () => {
    const { findCjkFont } = await import('./timeline-pdf.node.ts');
    expect(() => findCjkFont({ PINGGAI_CJK_FONT: '/nonexistent/font.ttc' })).toThrow(/fonts-noto-cjk/);
    let caught: unknown = null;
    try {
      findCjkFont({ PINGGAI_CJK_FONT: '/nonexistent/font.ttc' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'PDF_FONT_MISSING', status: 503 });
  });
});
