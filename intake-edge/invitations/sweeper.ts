import { fold } from '../../core/decider/decider.ts';
import { handleCommand } from '../../core/decider/command-handler.ts';
import type { InvitationEvent } from '../../core/invitation/events.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import { invitationDecider, reminderDue } from '../../core/invitation/decider.ts';
import type { InvitationState } from '../../core/invitation/decider.ts';
import type { LinkTokens } from '../../core/invitation/token.ts';
import { invitationIdFor } from '../../core/invitation/token.ts';
import { stageTrigger } from '../../core/invitation/types.ts';
import { caseStages } from '../../core/case/types.ts';
import type { IntakeDeps } from '../deps.ts';
import { forgetOldNonces } from '../case-api/signature.ts';
import { forgetOldRateLimits } from '../static-qr/rate-limit.ts';
import { sendInvitationSms } from './send.ts';

export interface SweepReport {
  readonly reminded: number;
  readonly expired: number;
  readonly settled: number;
  /** Rows that failed this time (logged, tried again later): one bad row never holds up the others. */
  readonly failed: number;
}

const RETRY_FAILED_ROW_MS = 10 * 60_000;

/**
 * Reminders and expiry, by a periodic sweep over app.pending_invitations (indexed by due time).
 * Why a sweeper and not a timer per invitation: thousands of invitations a day each need two
 * moments, both idempotent decisions the decider already guards; a due-time index scanned every
 * minute survives restarts, runs the same on Node and Deno, needs no Temporal workflow per link,
 * and a missed sweep only makes a reminder a little late. Each row is judged by the invitation's
 * own events, so a rated invitation is simply dropped from the table.
 */
export const sweepInvitations = async (deps: IntakeDeps & { tokens: LinkTokens }, options: { limit?: number } = {}): Promise<SweepReport> => {
  const now = deps.clock.now();
  const due = await deps.db
    .selectFrom('app.pending_invitations')
    .selectAll()
    .where('next_due_at', '<=', now)
    .orderBy('next_due_at')
    .limit(options.limit ?? 200)
    .execute();
  let reminded = 0;
  let expired = 0;
  let settled = 0;
  let failed = 0;
  for (const row of due) {
    try {
      const outcome = await sweepRow(deps, row, now);
      if (outcome === 'reminded') reminded++;
      else if (outcome === 'expired') expired++;
      else if (outcome === 'settled') settled++;
    } catch (error) {
      // A row that throws (a vault without its key, a provider without the template) is put back ten
      // minutes: the rows after it are still reminded and expired.
      failed++;
      deps.log?.(`[invitation sweeper] invitation ${row.invitation_id}: ${error instanceof Error ? error.message : String(error)} (tried again in 10 minutes)`);
      await deps.db
        .updateTable('app.pending_invitations')
        .set({ next_due_at: new Date(now.getTime() + RETRY_FAILED_ROW_MS) })
        .where('invitation_id', '=', row.invitation_id)
        .execute()
        .catch(() => undefined);
    }
  }
  await forgetOldNonces(deps);
  // Static-QR counters of windows that are over (fixed one-hour windows).
  await forgetOldRateLimits(deps);
  return { reminded, expired, settled, failed };
};

/**
 * Whether the citizen has already rated this case at a later stage: an earlier stage's reminder
 * would then ask again about a case they have just rated. The earlier link itself stays valid.
 */
const ratedLater = async (deps: IntakeDeps, state: InvitationState): Promise<boolean> => {
  const issued = state.issued!;
  const caseId = issued.subject.caseId;
  // The stage this invitation stands for (none for a static QR scan), then the triggers of the stages after it.
  const stage = caseStages.findIndex((candidate) => stageTrigger(candidate) === issued.trigger);
  if (stage < 0 || !caseId) return false;
  const later = caseStages.slice(stage + 1).map(stageTrigger);
  const streams = await Promise.all(later.map(async (trigger) => deps.store.readStream(invitationStreamId(await invitationIdFor(caseId, trigger)))));
  return streams.some((recorded) => recorded.some((event) => event.type === 'EvaluationSubmitted'));
};

type PendingRow = { readonly invitation_id: string; readonly expires_at: Date };

/**
 * One row: expire it, remind once (not when the case was already rated at a later stage), or drop
 * it when the invitation is settled.
 */
const sweepRow = async (deps: IntakeDeps & { tokens: LinkTokens }, row: PendingRow, now: Date): Promise<'reminded' | 'expired' | 'settled' | 'waiting'> => {
  const streamId = invitationStreamId(row.invitation_id);
  const state = fold(invitationDecider, (await deps.store.readStream(streamId)) as unknown as InvitationEvent[]);
  const context = (step: string) => ({ commandId: `invitation:${row.invitation_id}:${step}`, actor: { id: 'intake-sweeper', role: 'system' }, now });
  let expired = false;
  if (state.status === 'issued' && new Date(state.issued!.expiresAt) <= now) {
    await handleCommand(deps.store, streamId, invitationDecider, { type: 'ExpireInvitation', now: now.toISOString() }, context('expire'));
    expired = true;
  } else if (reminderDue(state, now.toISOString()) && !(await ratedLater(deps, state))) {
    const link = `${deps.config.publicBaseUrl}/e/${await deps.tokens.issue(row.invitation_id)}`;
    const sent = await sendInvitationSms(deps, state.issued!, link, 'remind');
    if (sent?.status === 'sent') {
      await handleCommand(deps.store, streamId, invitationDecider, { type: 'RecordReminderSent', now: now.toISOString(), messageRef: sent.providerMessageId ?? `${sent.provider}:remind` }, context('remind'));
    }
    // Whatever the SMS outcome, the next moment for this row is its expiry (one reminder only).
    await deps.db.updateTable('app.pending_invitations').set({ next_due_at: row.expires_at }).where('invitation_id', '=', row.invitation_id).execute();
    return sent?.status === 'sent' ? 'reminded' : 'waiting';
  } else if (state.status === 'issued') {
    await deps.db.updateTable('app.pending_invitations').set({ next_due_at: row.expires_at }).where('invitation_id', '=', row.invitation_id).execute();
    return 'waiting';
  }
  await deps.db.deleteFrom('app.pending_invitations').where('invitation_id', '=', row.invitation_id).execute();
  return expired ? 'expired' : 'settled';
};

/** Runs the sweep every `everyMs` (default one minute) until stopped; overlapping sweeps are skipped. */
export const startSweeper = (deps: IntakeDeps & { tokens: LinkTokens }, everyMs = 60_000): { stop(): void } => {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepInvitations(deps)
      .catch((error: unknown) => deps.log?.(`[invitation sweeper] ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (running = false));
  }, everyMs);
  return { stop: () => clearInterval(timer) };
};
