import { downloadUrl, get } from './http.ts';
import type { Timeline } from '../../../core/audit/timeline.ts';

export type { Timeline, TimelineStep, TimelineDeadline, StepDeadline, Localized } from '../../../core/audit/timeline.ts';

/** What an audit timeline can be of (routes/audit.ts): a warning, a rating (by invitation id), a configuration stream. */
export type AuditSubject = 'warnings' | 'ratings' | 'config';

const path = (kind: AuditSubject, id: string): string => `/audit/${kind}/${encodeURIComponent(id)}`;

/** GET /audit/<kind>/<id>/timeline: the history replayed from the event store. */
export const loadTimeline = (kind: AuditSubject, id: string): Promise<Timeline> => get<Timeline>(`${path(kind, id)}/timeline`);

/** The JSON and PDF downloads (each is written to the access log by the API). */
export const timelineExportUrl = (kind: AuditSubject, id: string, format: 'json' | 'pdf'): string => downloadUrl(`${path(kind, id)}/timeline.${format}`);
