import type { Context } from 'hono';
import { Hono } from 'hono';
import { logAccess } from '../../../core/access/access-log.ts';
import { can } from '../../../core/access/permissions.ts';
import type { StaffPrincipal } from '../../../core/access/scope.ts';
import type { Timeline } from '../../../core/audit/timeline.ts';
import { configStreams, configTimeline, isConfigStreamName } from '../../../core/audit/timeline-config.ts';
import { timelinePdf } from '../../../core/audit/timeline-pdf.node.ts';
import { ratingSubjectOf, ratingTimeline } from '../../../core/audit/timeline-rating.ts';
import { warningTimeline } from '../../../core/audit/timeline-warning.ts';
import { assertNever } from '../../../core/decider/decider.ts';
import { invitationStreamId } from '../../../core/invitation/events.ts';
import type { RatingSubject } from '../../../core/invitation/types.ts';
import { DomainError } from '../../../core/shared/errors.ts';
import type { StaffApiDeps } from '../deps.ts';
import type { StaffEnv } from '../env.ts';
import { principalOf, requirePermission } from '../middleware/session.ts';
import { staffRoute } from '../openapi.ts';
import { ratingScopeOf } from '../rating-scope.ts';
import { loadVisibleWarning } from '../warning-access.ts';

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;

const notFound = (what: 'rating' | 'config'): DomainError =>
  what === 'rating'
    ? new DomainError('RATING_NOT_FOUND', '评价不存在', { status: 404, details: { en: 'No such rating.' } })
    : new DomainError('CONFIG_NOT_FOUND', '没有这项配置', { status: 404, details: { en: `No such configuration; one of ${Object.keys(configStreams).join(', ')}.` } });

/** A rating outside the caller's scope is answered like a missing one (404), as warnings are. */
const maySeeRating = (principal: StaffPrincipal, subject: RatingSubject): boolean => {
  const scope = ratingScopeOf(principal);
  switch (scope.kind) {
    case 'district':
      return true;
    case 'department':
      return scope.department !== '' && subject.department.code === scope.department;
    case 'staff':
      return subject.staff?.id === scope.staffId;
    default:
      return assertNever(scope);
  }
};

/**
 * The audit timeline (审计追溯) of a warning, a rating (by its invitation id) or a configuration
 * stream, replayed from the event store: `…/timeline` (JSON for the console), `…/timeline.json` (the
 * same JSON as a download) and `…/timeline.pdf`. Warnings and ratings follow the caller's scope (404
 * outside it); configuration needs config.read too. Each download is written to the access log.
 */
export const auditRoutes = (deps: StaffApiDeps) => {
  const app = new Hono<StaffEnv>();
  app.use('*', requirePermission('audit.read'));

  const answer = async (c: Context<StaffEnv>, format: 'view' | 'json' | 'pdf', timeline: Timeline): Promise<Response> => {
    if (format === 'view') return c.json(timeline);
    const principal = principalOf(c);
    const now = deps.clock.now();
    // Rendered before logging: a failed PDF (no font) is not an export.
    const body = format === 'pdf' ? await timelinePdf(timeline) : JSON.stringify(timeline, null, 2);
    await logAccess(
      deps.store,
      { type: 'AuditTimelineExported', data: { accountId: principal.accountId, subject: timeline.subject, format, at: now.toISOString() } },
      deps.access.newId(),
      { id: principal.accountId, role: principal.role, ...(principal.department ? { department: principal.department } : {}) },
      now,
    );
    const name = `timeline-${timeline.subject.kind}-${timeline.subject.id.replace(/[^A-Za-z0-9_.-]/g, '_')}.${format}`;
    c.header('content-disposition', `attachment; filename="${name}"`);
    c.header('content-type', format === 'pdf' ? 'application/pdf' : 'application/json; charset=utf-8');
    return c.body(typeof body === 'string' ? body : (body as Uint8Array<ArrayBuffer>));
  };

  const formats = [
    ['timeline', 'view'],
    ['timeline.json', 'json'],
    ['timeline.pdf', 'pdf'],
  ] as const;

  const doc = (subject: string, format: 'view' | 'json' | 'pdf') =>
    staffRoute({
      tag: 'audit',
      summary: `审计追溯 ${subject}: ${format === 'pdf' ? 'the timeline as a PDF download' : format === 'json' ? 'the timeline as a JSON download' : 'the timeline (every step with who, when, what, evidence hashes, deadlines met)'}`,
      problems: [404, ...(format === 'pdf' ? [503] : [])],
      ...(format === 'pdf'
        ? { responses: { 200: { description: 'The timeline as PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } } } }
        : {}),
    });

  for (const [suffix, format] of formats) {
    app.get(`/warnings/:id/${suffix}`, doc('warning', format), async (c) => {
      const id = c.req.param('id');
      const { events } = await loadVisibleWarning(deps.store, principalOf(c), id);
      return answer(c, format, warningTimeline(id, events, deps.clock.now()));
    });

    app.get(`/ratings/:id/${suffix}`, doc('rating (by invitation id)', format), async (c) => {
      const id = c.req.param('id');
      if (!ID.test(id)) throw notFound('rating');
      const events = await deps.store.readStream(invitationStreamId(id));
      const subject = ratingSubjectOf(events);
      if (!subject || !maySeeRating(principalOf(c), subject)) throw notFound('rating');
      const caseEvents = subject.caseId ? await deps.store.readStream(`case-${subject.caseId}`) : [];
      return answer(c, format, ratingTimeline(id, events, caseEvents, deps.clock.now()));
    });

    app.get(`/config/:name/${suffix}`, doc('configuration', format), async (c) => {
      const principal = principalOf(c);
      if (!can(principal.role, 'config.read')) {
        throw new DomainError('FORBIDDEN', '当前角色无权查看配置', { status: 403, details: { en: 'Your role may not read the configuration.', action: 'config.read' } });
      }
      const name = c.req.param('name');
      if (!isConfigStreamName(name)) throw notFound('config');
      const events = await deps.store.readStream(configStreams[name].streamId);
      return answer(c, format, configTimeline(name, events, deps.clock.now()));
    });
  }

  return app;
};
