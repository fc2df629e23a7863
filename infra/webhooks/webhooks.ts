/**
 * Webhooks for other systems (对外事件推送): rating submitted, warning raised / overdue / closed.
 * A checkpointed collector writes one delivery per subscribed endpoint and event into
 * app.webhook_deliveries (the delivery log); a sender POSTs due deliveries signed by the Standard
 * Webhooks scheme (webhook-id / webhook-timestamp / webhook-signature, HMAC-SHA256 with the
 * endpoint's `whsec_` secret), keeps every answer, and retries with back-off until a 2xx.
 * Receivers verify with any Standard Webhooks library and drop repeats by `webhook-id`.
 * Payloads carry ids, codes and times only: never a phone, a name or a comment.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import * as v from 'valibot';
import type { EventStore, RecordedEvent, Subscription } from '../../core/eventstore/types.ts';
import type { EvaluationSubmitted } from '../../core/invitation/events.ts';
import { retryDelayMs } from '../../core/shared/backoff.ts';
import type { WarningEvent } from '../../core/warning/events.ts';
import { warningIdOf } from '../../core/warning/stream.ts';
import { subscribers } from '../../core/eventstore/subscribers.ts';

export const webhookEventTypes = ['rating.submitted', 'warning.raised', 'warning.overdue', 'warning.closed'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

const EndpointSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{1,40}$/, 'lower-case letters, digits and dashes')),
  url: v.pipe(
    v.string(),
    v.check((text) => URL.canParse(text) && ['https:', 'http:'].includes(new URL(text).protocol), 'an https:// (or http:// on an internal network) URL'),
  ),
  secret: v.pipe(v.string(), v.regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, 'a Standard Webhooks secret: whsec_ followed by base64')),
  events: v.pipe(v.array(v.picklist(webhookEventTypes)), v.minLength(1, 'at least one event type')),
});
export type WebhookEndpoint = v.InferOutput<typeof EndpointSchema>;

/** `PINGGAI_WEBHOOKS`: a JSON array of endpoints; a bad one is named by its place and field. */
export const parseWebhookEndpoints = (text: string | undefined): readonly WebhookEndpoint[] => {
  if (!text?.trim()) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('PINGGAI_WEBHOOKS: not JSON (expected an array of {id, url, secret, events})');
  }
  const result = v.safeParse(v.array(EndpointSchema), json);
  if (!result.success) {
    const issue = result.issues[0];
    throw new Error(`PINGGAI_WEBHOOKS.${v.getDotPath(issue) ?? ''}: ${issue.message}`);
  }
  return result.output;
};

/** The webhook event an event of the store is, with its payload; null for events nobody is told of. */
export const webhookEventOf = (event: RecordedEvent): { type: WebhookEventType; data: Record<string, unknown> } | null => {
  if (event.type === 'EvaluationSubmitted') {
    const data = event.data as EvaluationSubmitted['data'];
    return {
      type: 'rating.submitted',
      data: {
        ratingId: event.id,
        invitationId: data.invitationId,
        overall: data.overall,
        negative: data.negative,
        channel: data.channel,
        caseNumber: data.subject.caseNumber,
        matterCode: data.subject.matter.code,
        departmentCode: data.subject.department.code,
        hallCode: data.subject.hall.code,
        windowCode: data.subject.window.code,
        submittedAt: data.submittedAt,
      },
    };
  }
  const warningId = warningIdOf(event.streamId);
  if (warningId === null) return null;
  const warning = event as unknown as RecordedEvent & WarningEvent;
  if (warning.type === 'WarningRaised') {
    const { kind, severity, leadDepartment, dispatch, raisedAt } = warning.data;
    return { type: 'warning.raised', data: { warningId, kind, severity, leadDepartment, dispatchDueAt: dispatch.dueAt, raisedAt } };
  }
  if (warning.type === 'DispatchEscalated') {
    return { type: 'warning.overdue', data: { warningId, deadline: 'dispatch', level: warning.data.level, at: warning.data.at } };
  }
  if (warning.type === 'ReplyEscalated') {
    return { type: 'warning.overdue', data: { warningId, deadline: 'reply', round: warning.data.round, level: warning.data.level, at: warning.data.at } };
  }
  if (warning.type === 'WarningClosed') {
    return { type: 'warning.closed', data: { warningId, outcome: warning.data.outcome, at: warning.data.at } };
  }
  return null;
};

const collect =
  (db: Kysely<unknown>, endpoints: readonly WebhookEndpoint[]) =>
  async (events: readonly RecordedEvent[]): Promise<void> => {
    for (const event of events) {
      const webhook = webhookEventOf(event);
      if (!webhook) continue;
      for (const endpoint of endpoints.filter((e) => e.events.includes(webhook.type))) {
        const payload = { type: webhook.type, timestamp: event.recordedAt, data: webhook.data };
        await sql`
          insert into app.webhook_deliveries (delivery_id, endpoint_id, event_type, source_event_id, payload)
          values (${`${endpoint.id}:${event.id}`}, ${endpoint.id}, ${webhook.type}, ${event.id}, ${JSON.stringify(payload)}::jsonb)
          on conflict (delivery_id) do nothing`.execute(db);
      }
    }
  };

export interface DeliverySummary {
  readonly delivered: number;
  readonly retrying: number;
  readonly failed: number;
}

/** Sends every due delivery once; answers and errors go to the delivery log. */
export const deliverWebhooks = async (deps: {
  readonly db: Kysely<unknown>;
  readonly endpoints: readonly WebhookEndpoint[];
  readonly now: () => Date;
  readonly maxAttempts?: number;
  readonly timeoutMs?: number;
}): Promise<DeliverySummary> => {
  const summary = { delivered: 0, retrying: 0, failed: 0 };
  if (deps.endpoints.length === 0) return summary;
  // Only the endpoints configured now: deliveries left by a removed or renamed endpoint stay pending
  // (ops lists them) without taking the places of the others' in every round.
  const { rows } = await sql<{ delivery_id: string; endpoint_id: string; payload: unknown; attempts: number }>`
    select delivery_id, endpoint_id, payload, attempts from app.webhook_deliveries
    where status = 'pending' and next_attempt_at <= ${deps.now().toISOString()}::timestamptz
      and endpoint_id = any(${deps.endpoints.map((endpoint) => endpoint.id)}::text[])
    order by created_at, delivery_id limit 500`.execute(deps.db);
  for (const row of rows) {
    const endpoint = deps.endpoints.find((e) => e.id === row.endpoint_id);
    if (!endpoint) continue;
    const body = JSON.stringify(row.payload);
    const sentAt = deps.now();
    const signature = new Webhook(endpoint.secret).sign(row.delivery_id, sentAt, body);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': row.delivery_id, 'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)), 'webhook-signature': signature },
        body,
        // A redirect is an answer, not an address to post the signed body to next (it could point inside).
        redirect: 'manual',
        signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const attempts = row.attempts + 1;
    if (status !== null && status >= 200 && status < 300) {
      summary.delivered++;
      await sql`update app.webhook_deliveries set status = 'delivered', attempts = ${attempts}, last_status = ${status}, last_error = null,
                delivered_at = ${sentAt.toISOString()}::timestamptz where delivery_id = ${row.delivery_id}`.execute(deps.db);
    } else {
      const failed = attempts >= (deps.maxAttempts ?? 10);
      if (failed) summary.failed++;
      else summary.retrying++;
      await sql`update app.webhook_deliveries set status = ${failed ? 'failed' : 'pending'}, attempts = ${attempts}, last_status = ${status},
                last_error = ${error ?? `HTTP ${status ?? ''}`},
                next_attempt_at = ${new Date(sentAt.getTime() + retryDelayMs(attempts, 10_000)).toISOString()}::timestamptz
                where delivery_id = ${row.delivery_id}`.execute(deps.db);
    }
  }
  return summary;
};

/**
 * Gives the deliveries that ran out of attempts (the receiver was down for longer than they last:
 * about an hour and a half at ten attempts) another round, due now; the running sender takes them. Only one
 * endpoint's when `endpointId` is given. Returns how many were requeued; each keeps its webhook-id,
 * so a receiver that did get one before drops the repeat.
 */
export const requeueFailedWebhooks = async (db: Kysely<unknown>, options: { readonly now: Date; readonly endpointId?: string }): Promise<number> => {
  const result = await sql`
    update app.webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = ${options.now.toISOString()}::timestamptz,
           last_error = 'requeued by an operator after: ' || coalesce(last_error, 'no answer')
     where status = 'failed' and (${options.endpointId ?? null}::text is null or endpoint_id = ${options.endpointId ?? null})`.execute(db);
  return Number(result.numAffectedRows ?? 0);
};

/** The collector and a sender every `intervalMs`; nothing runs when no endpoint is configured. */
export const startWebhooks = (deps: {
  readonly store: EventStore;
  readonly db: Kysely<unknown>;
  readonly endpoints: readonly WebhookEndpoint[];
  readonly now: () => Date;
  readonly log: (line: string) => void;
  readonly intervalMs?: number;
}): { readonly collector: Subscription | null; stop(): Promise<void> } => {
  if (deps.endpoints.length === 0) return { collector: null, stop: async () => {} };
  const collector = deps.store.subscribe({
    subscriberId: subscribers.webhooks.id,
    categories: [...subscribers.webhooks.categories],
    handle: collect(deps.db, deps.endpoints),
    onError: (error) => deps.log(`webhook collector: ${String(error)} (retrying)`),
  });
  let sending: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    sending = sending
      .then(() => deliverWebhooks(deps))
      .then((summary) => {
        if (summary.retrying + summary.failed > 0) deps.log(`webhooks: ${summary.delivered} delivered, ${summary.retrying} to retry, ${summary.failed} failed`);
      })
      .catch((error: unknown) => deps.log(`webhook sender: ${String(error)}`));
  }, deps.intervalMs ?? 5_000);
  timer.unref();
  return {
    collector,
    async stop() {
      clearInterval(timer);
      await sending;
      await collector.stop();
    },
  };
};
