import { Hono } from 'hono';
import * as v from 'valibot';
import { logAccess } from '../../../core/access/access-log.ts';
import type { EvaluationSubmitted } from '../../../core/invitation/events.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import { readBody } from '../body.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { staffRoute } from '../openapi.ts';
import { loadVisibleWarning } from '../warning-access.ts';
import { maskFreeText } from '../../../core/pii/mask.ts';

export const RevealBody = v.strictObject({
  reason: v.pipe(v.string(), v.trim(), v.minLength(2, 'give a reason (at least 2 characters)'), v.maxLength(500), v.transform(maskFreeText)),
});

const anonymous = (): DomainError =>
  new DomainError('CONTACT_ANONYMOUS', '匿名评价人:没有可查看的联系方式,也不会被联系', {
    status: 409,
    details: { en: 'The rater chose to stay anonymous: there is no contact to reveal, and they are never contacted.' },
  });

const notAwaitingCallback = (): DomainError =>
  new DomainError('REVEAL_NOT_AWAITING_CALLBACK', '仅在待电话回访时可查看完整号码', {
    status: 409,
    details: { en: 'A call-back officer may see the full number only while the warning awaits its phone call-back.' },
  });

const purged = (): DomainError =>
  new DomainError('PERSONAL_DATA_PURGED', '已按保留期限销毁', { status: 410, details: { en: 'Erased under the retention policy: the key was destroyed.' } });

/**
 * 查看完整号码: a real-name rater's phone behind a warning in the caller's scope, once, with a reason.
 * Needs pii.reveal (call-back officer, administrator); every reveal is a PersonalDataRevealed event in
 * the access log with who, role, whose, which field and why — never the value. The answer is never
 * cached (no-store, as every staff API answer). A call-back officer needs the number only to make the
 * call, so only while the warning awaits its phone call-back (待回访, the call not yet recorded; else
 * 409, nothing logged); an
 * administrator may reveal in any phase. Anonymous raters have nothing to reveal (409); a
 * crypto-shredded phone answers 410 已按保留期限销毁.
 */
export const piiRevealRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  // Per route, not app.use('*'): this app shares the /warnings mount with the warning routes.
  app.post(
    '/:id/contact/reveal',
    staffRoute({ tag: 'warnings', summary: '查看完整号码: the real-name rater’s phone of a warning, with a reason (logged)', body: RevealBody, problems: [404, 409, 410] }),
    requirePermission('pii.reveal'),
    async (c) => {
      const principal = principalOf(c);
      const id = c.req.param('id');
      const { warning } = await loadVisibleWarning(deps.store, principal, id);
      const { reason } = await readBody(c, RevealBody);
      // The number is for the phone call-back (电话回访): before it is due, and once it is recorded, it is not needed.
      if (principal.role === 'callback_officer' && (warning.phase !== 'awaiting_callback' || warning.callbacks.phone.satisfied !== null)) throw notAwaitingCallback();
      const ref = warning.citizenContactRef;
      if (ref === null || !ref.startsWith('invitation-')) throw anonymous();
      const rating = (await deps.store.readStream(ref)).find((event) => event.type === 'EvaluationSubmitted');
      const evaluator = (rating?.data as EvaluationSubmitted['data'] | undefined)?.evaluator;
      if (!evaluator || evaluator.identity !== 'real_name') throw anonymous();
      let phone: string;
      try {
        phone = await deps.access.vault.open(evaluator.phone.sealed, 'phone');
      } catch (error) {
        if (error instanceof DomainError && error.code === 'PII_KEY_DESTROYED') throw purged();
        throw error;
      }
      const now = deps.clock.now();
      await logAccess(
        deps.store,
        { type: 'PersonalDataRevealed', data: { accountId: principal.accountId, role: principal.role, subject: { kind: 'warning', id }, field: 'phone', reason, at: now.toISOString() } },
        deps.access.newId(),
        { id: principal.accountId, role: principal.role, ...(principal.department ? { department: principal.department } : {}) },
        now,
      );
      c.header('cache-control', 'no-store');
      return c.json({ phone, field: 'phone' });
    },
  );
  return app;
};
