import { Hono } from 'hono';
import * as v from 'valibot';
import { canSeeWarning, scopeOf } from '../../../core/access/scope.ts';
import { fieldIssuesFromValibot, ValidationFailed } from '../../../core/http/field-errors.ts';
import { maskFreeTextFields } from '../../../core/pii/mask.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { InboxQuerySchema } from '../schemas.ts';
import { loadVisibleWarning } from '../warning-access.ts';
import { staffRoute } from '../openapi.ts';

/** GET /warnings (inbox, scoped) and GET /warnings/:id (authoritative state and history). */
export const warningReadRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();

  app.get('/', staffRoute({ tag: 'warnings', summary: '预警列表 The warning inbox, scoped', query: InboxQuerySchema, problems: [503] }), requirePermission('warning.list'), async (c) => {
    const parsed = v.safeParse(InboxQuerySchema, c.req.query());
    if (!parsed.success) throw new ValidationFailed(fieldIssuesFromValibot(parsed.issues, 'query'));
    if (!deps.queries) {
      throw new DomainError('INBOX_UNAVAILABLE', '预警列表暂不可用(读模型未接入)', { status: 503, details: { en: 'The inbox read model is not wired.' } });
    }
    const principal = principalOf(c);
    const scope = scopeOf(principal);
    const rows = await deps.queries.warningInbox({ principal, scope, limit: parsed.output.limit, overdueOnly: parsed.output.overdue === 'true' });
    // The query filters by scope; checking every row again keeps a query bug from leaking data.
    const items = rows.filter((item) => canSeeWarning(scope, { ...item, subject: item.ratedDepartment ? { department: item.ratedDepartment } : {} }));
    return c.json({ items });
  });

  app.get('/:id', staffRoute({ tag: 'warnings', summary: 'One warning: state and history', problems: [404] }), requirePermission('warning.read'), async (c) => {
    const { warning, events, version } = await loadVisibleWarning(deps.store, principalOf(c), c.req.param('id'));
    // Free text is masked before it is recorded; masking what is shown as well covers older records.
    return c.json({
      warning: maskFreeTextFields(warning),
      version,
      events: events.map((event) => ({
        id: event.id,
        type: event.type,
        schemaVersion: event.schemaVersion,
        streamVersion: event.streamVersion,
        data: maskFreeTextFields(event.data),
        actor: event.metadata.actor ?? null,
        occurredAt: event.metadata.occurredAt,
        recordedAt: event.recordedAt,
      })),
    });
  });

  return app;
};
