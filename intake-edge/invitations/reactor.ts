import { isBackfilled } from '../../core/case/backfill.ts';
import type { CaseState } from '../../core/case/decider.ts';
import { caseDecider } from '../../core/case/decider.ts';
import type { CaseEvent } from '../../core/case/events.ts';
import { fold } from '../../core/decider/decider.ts';
import { handleCommand } from '../../core/decider/command-handler.ts';
import type { RecordedEvent, Subscription } from '../../core/eventstore/types.ts';
import { invitationDecider } from '../../core/invitation/decider.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import type { LinkTokens } from '../../core/invitation/token.ts';
import { invitationIdFor } from '../../core/invitation/token.ts';
import type { InvitationTrigger, RatingSubject } from '../../core/invitation/types.ts';
import { stageTrigger } from '../../core/invitation/types.ts';
import type { IntakeDeps } from '../deps.ts';
import type { QuestionnaireSource } from '../questionnaires.ts';
import { issueInvitation } from './issue.ts';
import { sendInvitationSms } from './send.ts';
import { subscribers } from '../../core/eventstore/subscribers.ts';

export const invitationReactorId = subscribers.invitationReactor.id;

type ReactorDeps = IntakeDeps & { tokens: LinkTokens; questionnaires: QuestionnaireSource };

/** Which case events invite a rating: completion always; other stages when configured (一事多评). */
const triggerOf = (event: RecordedEvent, alsoAtStages: readonly string[]): InvitationTrigger | null => {
  const caseEvent = event as unknown as CaseEvent;
  if (caseEvent.type === 'CaseCompleted') return 'case_completed';
  // A stage is reached by a change, or by registration at that stage (受理 is usually where a case starts).
  const reached = caseEvent.type === 'CaseStageChanged' ? caseEvent.data.to : caseEvent.type === 'CaseRegistered' ? caseEvent.data.stage : null;
  if (reached === null || reached === 'concluded' || !alsoAtStages.includes(reached)) return null;
  return stageTrigger(reached);
};

export const subjectOfCase = (state: CaseState): RatingSubject => {
  const details = state.details!;
  return {
    caseId: state.caseId,
    caseNumber: state.caseId ? state.caseId.slice(state.caseId.indexOf(':') + 1) : null,
    matter: details.matter,
    department: details.department,
    hall: details.hall,
    window: details.window,
    staff: details.staff,
    applicantType: details.applicantType,
    enterpriseType: details.enterpriseType,
    regionCode: details.regionCode,
    stage: state.stage!,
    progress: state.progress,
  };
};

/**
 * Reacts to one case event: issues the invitation (idempotent id from case + trigger), sends the
 * SMS with key `invitation:<id>:send`, records InvitationSent. Safe to run twice for the same event.
 */
export const reactToCaseEvent = async (deps: ReactorDeps, event: RecordedEvent): Promise<void> => {
  if (isBackfilled(event)) return;
  const trigger = triggerOf(event, deps.config.invitations.alsoAtStages);
  if (!trigger) return;
  const history = (await deps.store.readStream(event.streamId)).filter((recorded) => recorded.streamVersion <= event.streamVersion);
  const state = fold(caseDecider, history as unknown as CaseEvent[]);
  if (state.status !== 'open' || !state.details) return;
  const recipient = state.details.applicantPhone;
  const invitationId = await invitationIdFor(state.caseId!, trigger);
  const issued = await issueInvitation(deps, {
    invitationId,
    channel: recipient ? 'sms' : 'qr_case',
    trigger,
    subject: subjectOfCase(state),
    recipient,
    causationId: event.id,
  });
  const data = issued.state.issued!;
  if (data.channel !== 'sms' || issued.state.sent || issued.state.status !== 'issued') return;
  const sent = await sendInvitationSms(deps, data, issued.link, 'invite');
  if (sent?.status !== 'sent') {
    // Failed or in doubt: not recorded as sent; the one reminder is the next attempt to reach them.
    deps.log?.(`[invitation] SMS for ${invitationId} not confirmed (${sent?.status ?? 'no recipient'})`);
    return;
  }
  await handleCommand(
    deps.store,
    invitationStreamId(invitationId),
    invitationDecider,
    { type: 'RecordInvitationSent', sentAt: deps.clock.now().toISOString(), messageRef: sent.providerMessageId ?? `${sent.provider}:invitation:${invitationId}:send` },
    { commandId: `invitation:${invitationId}:sent`, actor: { id: 'intake', role: 'system' }, now: deps.clock.now(), causationId: event.id },
  );
};

/** The checkpointed subscriber on `case-…` streams. */
export const startInvitationReactor = (deps: ReactorDeps): Subscription =>
  deps.store.subscribe({
    subscriberId: invitationReactorId,
    categories: [...subscribers.invitationReactor.categories],
    handle: async (events) => {
      for (const event of events) await reactToCaseEvent(deps, event);
    },
    onError: (error) => deps.log?.(`[invitation reactor] ${error instanceof Error ? error.message : String(error)}`),
  });
