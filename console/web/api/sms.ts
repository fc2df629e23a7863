import { get } from './http.ts';
import type { SmsOutboxItem } from './types.ts';

/** Requested: GET /sms-outbox?limit&offset (development outbox, administrators only). */
export const fetchOutbox = async (options: { limit: number; offset: number }): Promise<SmsOutboxItem[]> =>
  (await get<{ rows: SmsOutboxItem[] }>('/sms-outbox', { ...options })).rows;
