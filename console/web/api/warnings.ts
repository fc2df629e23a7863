import { get, request } from './http.ts';
import type { ActionAnswer, UploadedBlob, WarningDetail, WarningInboxPage } from './types.ts';

/**
 * The inbox filters the staff API understands today (InboxQuerySchema is strict: any other key is
 * a 422): `overdue` and `limit` (≤ 500). Stage, department and open/closed are filtered in the
 * browser over the rows loaded, until the API takes them (asked for in the console report).
 */
export interface InboxServerQuery {
  readonly overdue?: boolean;
  readonly limit?: number;
}

export const listWarnings = (query: InboxServerQuery): Promise<WarningInboxPage> => get<WarningInboxPage>('/warnings', { ...query });

/** Departments the caller may route to: codes and names the read models know (a dispatcher sees all). */
export const listDepartments = async (): Promise<readonly { readonly code: string; readonly name: string | null }[]> =>
  (await get<{ rows: { code: string; name: string | null }[] }>('/departments')).rows;

export const loadWarning = (warningId: string): Promise<WarningDetail> => get<WarningDetail>(`/warnings/${encodeURIComponent(warningId)}`);

/** The actions of routes/warning-actions.ts, by their path segment. */
export type WarningActionPath =
  | 'dispatch'
  | 'reply'
  | 'collaboration'
  | 'evidence'
  | 'status'
  | 'phone-callback'
  | 'onsite-check'
  | 'appeal'
  | 'appeal-review';

export const actOnWarning = (warningId: string, action: WarningActionPath, body: unknown, idempotencyKey: string): Promise<ActionAnswer> =>
  request<ActionAnswer>('POST', `/warnings/${encodeURIComponent(warningId)}/${action}`, { json: body, idempotencyKey });

/** POST /blobs: the raw file with its media type; the answer's key goes into the action's body. */
export const uploadBlob = (file: File): Promise<UploadedBlob> => request<UploadedBlob>('POST', '/blobs', { blob: file });

/**
 * GET /blobs/:key: a stored file, served only when it belongs to a rating or warning the caller may
 * see. Name the warning (evidence) or the rating (attachments) it is opened from; without either the
 * API looks among the ratings in scope only.
 */
export const blobUrl = (key: string, from: { warning?: string; rating?: string } = {}): string => {
  const query = from.warning ? `?warning=${encodeURIComponent(from.warning)}` : from.rating ? `?rating=${encodeURIComponent(from.rating)}` : '';
  return `/api/staff/blobs/${encodeURIComponent(key)}${query}`;
};
