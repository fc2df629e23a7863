/**
 * The warning-policy reactor (预警生成): a checkpointed subscriber on ratings and cases that raises
 * `WarningRaised` through the warning decider. The warning id is derived from the source event and the
 * rule, and the raise command's id from the warning id, so a replay from position 0, a retried batch
 * or a second reactor never raises a second warning.
 */
import type { CaseOverdue, CaseRegistered } from '../case/events.ts';
import type { CaseDetails } from '../case/types.ts';
import { handleCommand } from '../decider/command-handler.ts';
import { fold } from '../decider/decider.ts';
import type { Actor, EventStore, RecordedEvent, Subscription } from '../eventstore/types.ts';
import type { EvaluationSubmitted } from '../invitation/events.ts';
import { invitationStreamId } from '../invitation/events.ts';
import type { ReasonCode } from '../questionnaire/types.ts';
import type { RaiseWarning } from '../warning/commands.ts';
import { warningDecider } from '../warning/decider.ts';
import type { WarningSubject } from '../warning/events.ts';
import { warningStreamId } from '../warning/stream.ts';
import type { WarningPolicy, WarningPolicyEvent } from './config.ts';
import { warningPolicyDecider, warningPolicyStreamId } from './config.ts';
import type { Concern } from './routing.ts';
import { route } from './routing.ts';
import type { PolicySource } from './rules.ts';
import { matchRule } from './rules.ts';
import { currentTraceparent, inSpan } from '../telemetry/trace.ts';
import { isBackfilled } from '../case/backfill.ts';
import { sha256Hex } from '../pii/encoding.ts';
import { subscribers } from '../eventstore/subscribers.ts';

export const warningPolicyActor: Actor = { id: 'system:warning-policy', role: 'system' };

const MINUTE = 60_000;

/**
 * `yj` (预警) + 22 hex digits of SHA-256 of the source event's id: stable across replays, and one
 * warning per fact whichever rule matches it. Keyed by the rule too, a batch replayed after the
 * rules were republished in another order (the first matching rule wins) raised a second warning,
 * with its own dispatch clock and SMS, for the same rating.
 */
export const warningIdFor = async (sourceEventId: string): Promise<string> => {
  return `yj${sha256Hex(`${sourceEventId}\u0000warning`).slice(0, 22)}`;
};

/**
 * Whether a warning was raised for this source event under the ids of earlier code, which also hashed
 * the matching rule's id: the subscription hands a batch over again after a crash (at least once), and
 * a batch that code handled must find the warning it raised instead of raising a second one under
 * today's id. Checked for the rules in force; only events that match a rule get here.
 */
const raisedUnderEarlierId = async (store: EventStore, sourceEventId: string, rules: WarningPolicy['rules']['value']): Promise<boolean> => {
  for (const rule of rules.rules) {
    const earlier = `yj${sha256Hex(`${sourceEventId}\u0000${rule.id}`).slice(0, 22)}`;
    if ((await store.readStream(warningStreamId(earlier))).length > 0) return true;
  }
  return false;
};

/** The stream a rater's sealed phone is read from, for progress SMS (null: anonymous, never contacted). */
export const citizenContactRefFor = (rating: EvaluationSubmitted['data']): string | null =>
  rating.evaluator.identity === 'real_name' ? invitationStreamId(rating.invitationId) : null;

const concernOf = (reasons: readonly string[], reasonConfig: readonly Pick<ReasonCode, 'code' | 'concerns'>[]): Concern => {
  const concerns = reasons.map((code) => reasonConfig.find((reason) => reason.code === code)?.concerns ?? 'business');
  return concerns.length > 0 && concerns.every((concern) => concern === 'site') ? 'site' : 'business';
};

export interface PolicyInputs {
  readonly policy: WarningPolicy;
  readonly reasons: readonly Pick<ReasonCode, 'code' | 'concerns'>[];
  /** The case's details, for an overdue case (the overdue event itself carries only the case id). */
  readonly caseDetails?: CaseDetails | null;
}

/** Pure: the raise command for one source event under the policy in force, or null. */
export const raiseCommandFor = async (
  event: RecordedEvent,
  inputs: PolicyInputs,
  now: Date,
): Promise<RaiseWarning | null> => {
  const source = toPolicySource(event);
  if (!source) return null;
  const match = matchRule(inputs.policy.rules.value, source);
  if (!match) return null;

  let subject: WarningSubject;
  let competent: string;
  let concern: Concern = 'business';
  let citizenContactRef: string | null = null;
  let refs: RaiseWarning['source'];
  if (source.type === 'EvaluationSubmitted') {
    const rating = source.data;
    subject = {
      matterCode: rating.subject.matter.code,
      department: rating.subject.department.code,
      hallId: rating.subject.hall.code,
      windowId: rating.subject.window.code,
      ...(rating.subject.staff ? { staffId: rating.subject.staff.id } : {}),
    };
    competent = rating.subject.department.code;
    concern = concernOf(rating.reasons, inputs.reasons);
    citizenContactRef = citizenContactRefFor(rating);
    refs = {
      sourceEventId: event.id,
      invitationId: rating.invitationId,
      ratingEventId: event.id,
      ...(rating.subject.caseId ? { caseId: rating.subject.caseId } : {}),
    };
  } else {
    const details = inputs.caseDetails;
    if (!details) return null;
    subject = {
      matterCode: details.matter.code,
      department: details.department.code,
      hallId: details.hall.code,
      windowId: details.window.code,
      ...(details.staff ? { staffId: details.staff.id } : {}),
    };
    competent = details.department.code;
    refs = { sourceEventId: event.id, caseId: source.data.caseId };
  }

  const routed = route(inputs.policy.routing.value, match.rule.kind, concern, competent);
  const rules = inputs.policy.rules.value;
  const dueAt = new Date(now.getTime() + rules.dispatchWithinMinutes * MINUTE);
  return {
    type: 'RaiseWarning',
    at: now,
    actor: warningPolicyActor,
    warningId: await warningIdFor(event.id),
    kind: match.rule.kind,
    severity: match.severity,
    ruleId: `${match.rule.id}@v${inputs.policy.rules.version}`,
    source: refs,
    subject,
    leadDepartment: routed.leadDepartment,
    cooperatingDepartments: routed.cooperatingDepartments,
    routingTableVersion: inputs.policy.routing.version,
    dispatch: {
      dueAt: dueAt.toISOString(),
      reminderAt: new Date(dueAt.getTime() - rules.dispatchReminderBeforeMinutes * MINUTE).toISOString(),
    },
    citizenContactRef,
  };
};

const toPolicySource = (event: RecordedEvent): PolicySource | null => {
  if (event.type === 'EvaluationSubmitted') return { type: 'EvaluationSubmitted', data: event.data as EvaluationSubmitted['data'] };
  if (event.type === 'CaseOverdue') return { type: 'CaseOverdue', data: event.data as CaseOverdue['data'] };
  return null;
};

export const loadWarningPolicy = async (store: EventStore): Promise<WarningPolicy> =>
  fold(warningPolicyDecider, (await store.readStream(warningPolicyStreamId)) as unknown as WarningPolicyEvent[]);

export interface WarningPolicyReactorDeps {
  readonly store: EventStore;
  readonly clock: () => Date;
  /** The questionnaire's reason list in force (codes and whether each concerns business or the site). */
  readonly reasons: () => Promise<readonly Pick<ReasonCode, 'code' | 'concerns'>[]>;
  readonly onRaised?: (warningId: string) => void;
}

export const startWarningPolicy = (deps: WarningPolicyReactorDeps): Subscription =>
  deps.store.subscribe({
    subscriberId: subscribers.warningPolicy.id,
    categories: [...subscribers.warningPolicy.categories],
    handle: async (events) => {
      const relevant = events.filter((event) => (event.type === 'EvaluationSubmitted' || event.type === 'CaseOverdue') && !isBackfilled(event));
      if (relevant.length === 0) return;
      const policy = await loadWarningPolicy(deps.store);
      const reasons = await deps.reasons();
      for (const event of relevant) {
        await inSpan('warning-policy', { parent: event.metadata.traceparent, attributes: { 'pinggai.event.id': event.id } }, async () => {
          const caseDetails = event.type === 'CaseOverdue' ? await caseDetailsOf(deps.store, event.streamId) : null;
          const command = await raiseCommandFor(event, { policy, reasons, caseDetails }, deps.clock());
          if (!command) return;
          if (await raisedUnderEarlierId(deps.store, event.id, policy.rules.value)) return;
          const traceparent = currentTraceparent() ?? event.metadata.traceparent;
          const result = await handleCommand(deps.store, warningStreamId(command.warningId), warningDecider, command, {
            commandId: `raise:${command.warningId}`,
            actor: warningPolicyActor,
            now: command.at,
            causationId: event.id,
            ...(typeof event.metadata.correlationId === 'string' ? { correlationId: event.metadata.correlationId } : {}),
            ...(typeof traceparent === 'string' ? { traceparent } : {}),
          });
          if (result.appended.length > 0) deps.onRaised?.(command.warningId);
        });
      }
    },
  });

const caseDetailsOf = async (store: EventStore, caseStreamId: string): Promise<CaseDetails | null> => {
  const registered = (await store.readStream(caseStreamId)).find((e) => e.type === 'CaseRegistered');
  return registered ? (registered.data as CaseRegistered['data']).details : null;
};
