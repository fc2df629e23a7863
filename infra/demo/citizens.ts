/**
 * The demo's citizens (评价人): some open the SMS link, some scan the case QR on the window screen
 * while still at the window, some scan a window's static QR code; of those who open, a share submit
 * the real citizen form (回收率: the seed's 13.7% online, 46.1% offline), the rest leave it unrated.
 */
import type { Hono } from 'hono';
import { fold } from '../../core/decider/decider.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import type { InvitationState } from '../../core/invitation/decider.ts';
import { invitationDecider } from '../../core/invitation/decider.ts';
import type { InvitationEvent } from '../../core/invitation/events.ts';
import { invitationStreamId } from '../../core/invitation/events.ts';
import { invitationIdFor } from '../../core/invitation/token.ts';
import { findVariant } from '../../core/questionnaire/variants.ts';
import type { IntakeServices } from '../../intake-edge/app.ts';
import type { PlannedCase } from './cases.ts';
import { MINUTE } from './office-time.ts';
import { demoPhotoPng } from './photo.ts';
import type { Random } from './random.ts';
import type { RatingChoice } from './ratings.ts';
import { chooseRating, ratingForm } from './ratings.ts';

type Group = 'online' | 'offline';

export type CitizenAction =
  | { readonly kind: 'open'; readonly caseId: string; readonly channel: 'sms' | 'qr_case' }
  | { readonly kind: 'submit'; readonly token: string };

interface PendingSubmit {
  readonly group: Group;
  readonly via: string | null;
  readonly rating: RatingChoice;
}

export const createCitizens = (deps: {
  readonly app: Hono;
  readonly store: EventStore;
  readonly services: IntakeServices;
  readonly random: Random;
  readonly now: () => number;
  readonly schedule: (at: number, action: CitizenAction) => void;
  readonly rates: { readonly online: number; readonly offline: number };
  readonly smsOpenShare: number;
  readonly caseQrOpenShare: number;
  readonly photoVariantBase: number;
}) => {
  const counts = {
    smsLinks: 0,
    caseQr: 0,
    scans: 0,
    opened: { online: 0, offline: 0 } as Record<Group, number>,
    submitted: { online: 0, offline: 0 } as Record<Group, number>,
    refused: 0,
  };
  const pending = new Map<string, PendingSubmit>();
  let photos = 0;

  const invitation = async (invitationId: string): Promise<InvitationState> =>
    fold(
      invitationDecider,
      (await deps.store.readStream(invitationStreamId(invitationId))) as unknown as InvitationEvent[],
    );

  /** Whether this viewer submits: a running quota keeps each group at its response rate. */
  const decide = async (
    token: string,
    state: InvitationState,
    group: Group,
    via: string | null,
    random: Random,
  ): Promise<void> => {
    counts.opened[group]++;
    if (counts.submitted[group] >= Math.round(deps.rates[group] * counts.opened[group])) return;
    const issued = state.issued!;
    const config = await deps.services.questionnaires.version(issued.questionnaireVersion);
    const items = (config && findVariant(config, issued.variantId)?.items) ?? [];
    counts.submitted[group]++;
    pending.set(token, { group, via, rating: chooseRating(random, items, issued.recipient !== null) });
    // About ten seconds for the questionnaire, more for those who write a comment.
    deps.schedule(deps.now() + random.int(9, 75) * 1000, { kind: 'submit', token });
  };

  const get = (path: string) =>
    deps.app.request(path, { headers: { accept: 'text/html', 'accept-language': 'zh-CN,zh;q=0.9' } });

  return {
    counts,

    /** A completion reached the applicant: by SMS when the case system had a phone, else as the window screen's case QR. */
    async caseCompleted(caseId: string, planned: PlannedCase): Promise<void> {
      const random = deps.random.fork(`case:${caseId}`);
      if (planned.hasPhone) {
        counts.smsLinks++;
        if (!random.chance(deps.smsOpenShare)) return;
        const delay = random.weighted(
          [
            { w: 55, ms: () => random.int(1, 60) * MINUTE },
            { w: 30, ms: () => random.int(60, 360) * MINUTE },
            { w: 15, ms: () => random.int(20 * 60, 30 * 60) * MINUTE },
          ],
          (entry) => entry.w,
        );
        deps.schedule(deps.now() + delay.ms(), { kind: 'open', caseId, channel: 'sms' });
      } else {
        counts.caseQr++;
        // Only someone still at the window sees the screen: 即办件.
        if (planned.instant && random.chance(deps.caseQrOpenShare))
          deps.schedule(deps.now() + random.int(20, 180) * 1000, {
            kind: 'open',
            caseId,
            channel: 'qr_case',
          });
      }
    },

    async open(caseId: string, channel: 'sms' | 'qr_case'): Promise<void> {
      const invitationId = await invitationIdFor(caseId, 'case_completed');
      const state = await invitation(invitationId);
      if (state.status !== 'issued' || (channel === 'sms' && !state.sent)) {
        counts.refused++;
        return;
      }
      const token = await deps.services.tokens.issue(invitationId);
      const response = await get(`/e/${token}${channel === 'qr_case' ? '?via=qr' : ''}`);
      if (response.status !== 200) {
        counts.refused++;
        return;
      }
      await decide(
        token,
        state,
        channel === 'sms' ? 'online' : 'offline',
        channel === 'sms' ? null : 'qr_case',
        deps.random.fork(`open:${caseId}`),
      );
    },

    /** A window's static QR code: one tap on the matter, then the questionnaire. */
    async scanWindowQr(hallCode: string, windowCode: string): Promise<void> {
      // Every hall has a W01: the hall keeps two halls' scans in one minute from choosing alike.
      const random = deps.random.fork(`scan:${deps.now()}:${hallCode}/${windowCode}`);
      const hall = deps.services.config.halls.find((candidate) => candidate.code === hallCode);
      const window = hall?.windows.find((candidate) => candidate.code === windowCode);
      if (!window) throw new Error(`demo window ${hallCode}/${windowCode} is not configured`);
      const matter = random.pick(window.matters);
      // As a phone does: the scan opens the matter page, which gives the device its signed cookie,
      // and the tap on the matter posts with it.
      const page = await deps.app.request(`/q/${hallCode}/${windowCode}`, { headers: { accept: 'text/html' } });
      const device = /(?:^|,\s*)(pg_dev=[^;,\s]+)/.exec(page.headers.get('set-cookie') ?? '')?.[1];
      const chosen = await deps.app.request(`/q/${hallCode}/${windowCode}`, {
        method: 'POST',
        body: new URLSearchParams({ matter: matter.code }),
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...(device ? { cookie: device } : {}) },
      });
      const location = chosen.headers.get('location');
      if (chosen.status !== 303 || !location) {
        counts.refused++;
        return;
      }
      counts.scans++;
      const opened = await get(location);
      const token = new URL(location, 'http://demo').pathname.slice('/e/'.length);
      const state = await invitation(token.slice(1, 11));
      if (opened.status !== 200 || state.status !== 'issued') {
        counts.refused++;
        return;
      }
      await decide(token, state, 'offline', null, random);
    },

    async submit(token: string): Promise<void> {
      const submission = pending.get(token);
      if (!submission) return;
      pending.delete(token);
      const photo = submission.rating.photo
        ? demoPhotoPng(deps.photoVariantBase + ++photos, [200, 120, 90])
        : null;
      const response = await deps.app.request(`/e/${token}`, {
        method: 'POST',
        body: ratingForm(submission.rating, submission.via, photo),
        headers: { accept: 'application/json' },
      });
      if (response.status !== 201) {
        counts.submitted[submission.group]--;
        counts.refused++;
      }
    },
  };
};
