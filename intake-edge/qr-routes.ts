import { Hono } from 'hono';
import { fold } from '../core/decider/decider.ts';
import { invalidField } from '../core/http/field-errors.ts';
import { invitationDecider } from '../core/invitation/decider.ts';
import type { InvitationEvent } from '../core/invitation/events.ts';
import { invitationStreamId } from '../core/invitation/events.ts';
import type { LinkTokens } from '../core/invitation/token.ts';
import { invitationIdFor } from '../core/invitation/token.ts';
import { DomainError } from '../core/shared/errors.ts';
import { verifyCaseSystemSignature } from './case-api/signature.ts';
import type { VerifiedCaseSystem } from './case-api/signature.ts';
import type { IntakeDeps } from './deps.ts';
import { intakeDocs } from './openapi.ts';
import { caseQrSvg } from './qr/case-qr.ts';
import { staticQrSheetSvg } from './qr/sheet.ts';

const svg = (body: string): Response => new Response(body, { headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'no-store' } });

/**
 * QR images: the printable sheet of a hall's static window codes (`/q/:hall/sheet/:page`, public like
 * the codes themselves), and, for a window screen or rating device, the dynamic QR of a completed
 * case's invitation (`/api/v1/cases/:caseId/invitation-qr`, signed like every case-system request;
 * the link carries `?via=qr` so the rating records the QR channel).
 */
export const qrRoutes = (deps: IntakeDeps & { tokens: LinkTokens }) => {
  const app = new Hono<{ Variables: { caseSystem: VerifiedCaseSystem } }>();

  app.get('/q/:hall/sheet/:page', intakeDocs.qrSheet, (c) => {
    const hall = deps.config.halls.find((candidate) => candidate.code === c.req.param('hall'));
    if (!hall) throw invalidField('hall', { 'zh-CN': '没有该大厅', en: 'No such hall.' });
    const pages = staticQrSheetSvg({
      halls: [{ id: hall.code, name: hall.name, windows: hall.windows.map((window) => ({ id: window.code, name: window.name })) }],
      linkFor: (qrHall, qrWindow) => `${deps.config.publicBaseUrl}/q/${encodeURIComponent(qrHall.id)}/${encodeURIComponent(qrWindow.id)}`,
    });
    const page = pages[Number(c.req.param('page')) - 1];
    if (!/^\d{1,3}$/.test(c.req.param('page')) || !page) throw invalidField('page', { 'zh-CN': `页码应为 1–${pages.length}`, en: `The page must be 1–${pages.length}.` });
    return svg(page);
  });

  app.get('/api/v1/cases/:caseId/invitation-qr', intakeDocs.invitationQr, verifyCaseSystemSignature(deps), async (c) => {
    const { system } = c.get('caseSystem');
    const caseId = c.req.param('caseId');
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(caseId)) throw invalidField('caseId', { 'zh-CN': '办件编号格式不正确', en: 'Malformed case id.' });
    const invitationId = await invitationIdFor(`${system}:${caseId}`, 'case_completed');
    const state = fold(invitationDecider, (await deps.store.readStream(invitationStreamId(invitationId))) as unknown as InvitationEvent[]);
    if (state.status !== 'issued') {
      throw new DomainError('CASE_INVITATION_NOT_OPEN', '该办件没有可评价的邀请(未办结、已评价或已过期)', {
        status: 404,
        details: { en: 'This case has no open invitation (not completed, already rated or expired).', field: 'caseId' },
      });
    }
    return svg(caseQrSvg(`${deps.config.publicBaseUrl}/e/${await deps.tokens.issue(invitationId)}?via=qr`, { title: state.issued!.subject.window.name }));
  });
  return app;
};
