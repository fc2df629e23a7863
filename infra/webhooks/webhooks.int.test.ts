import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteEventStore } from '../../core/eventstore/pglite.ts';
import type { EventStore } from '../../core/eventstore/types.ts';
import { appendWarning, rate, rectifiedWarning } from '../../projections/testing/events.ts';
import { createTestPglite } from '../../tests/support/databases.ts';
import type { WebhookEndpoint } from './webhooks.ts';
import { deliverWebhooks, parseWebhookEndpoints, requeueFailedWebhooks, startWebhooks } from './webhooks.ts';

const secret = `whsec_${Buffer.from('pinggai-webhook-test-secret-0123456789').toString('base64')}`;

/** A receiving system: verifies every signature with the Standard Webhooks library; fails on demand. */
const startReceiver = async () => {
  const received: { id: string; type: string; data: Record<string, unknown> }[] = [];
  let failNext = 0;
  const verifier = new Webhook(secret);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const payload = verifier.verify(body, request.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
        if (failNext > 0) {
          failNext--;
          response.writeHead(503).end();
          return;
        }
        received.push({ id: String(request.headers['webhook-id']), type: payload.type, data: payload.data });
        response.writeHead(204).end();
      } catch {
        response.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    received,
    failNext: (n: number) => (failNext = n),
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pinggai`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

describe('webhooks (PGlite, a receiving system over HTTP)', () => {
  let store: EventStore;
  let db: Kysely<unknown>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let endpoints: readonly WebhookEndpoint[];
  let close: () => Promise<void>;

  beforeAll(async () => {
    const { pglite, db: pgliteDb } = await createTestPglite();
    db = pgliteDb;
    store = createPgliteEventStore({ pglite, db });
    receiver = await startReceiver();
    endpoints = parseWebhookEndpoints(JSON.stringify([{ id: 'hotline-12345', url: receiver.url, secret, events: ['rating.submitted', 'warning.closed'] }]));
    close = async () => {
      await receiver.close();
      await store.close();
      await pglite.close();
    };
  });
  afterAll(async () => close?.());

  it('configuration errors name the endpoint and field', () => {
    expect(() => parseWebhookEndpoints('[{"id":"x1","url":"not a url","secret":"whsec_abc","events":[]}]')).toThrow(/PINGGAI_WEBHOOKS\.0\.url/);
    // A URL, but not one the sender can post to.
    for (const url of ['file:///etc/passwd', 'ftp://hooks.example.gov.cn/in', 'javascript:alert(1)']) {
      expect(() => parseWebhookEndpoints(JSON.stringify([{ id: 'x1', url, secret: `whsec_${'A'.repeat(32)}`, events: ['warning.closed'] }])), url).toThrow(/PINGGAI_WEBHOOKS\.0\.url/);
    }
    expect(() => parseWebhookEndpoints('{')).toThrow(/PINGGAI_WEBHOOKS: not JSON/);
    expect(parseWebhookEndpoints(undefined)).toEqual([]);
  });

  it('signed deliveries of the subscribed events; a failing receiver gets them again after back-off, each once', async () => {
    const ratingId = await rate(store, 'inv-hook-1', '2026-10-12T02:00:00.000Z', { overall: 1, reasons: ['R03'], comment: '电话13812345678' });
    await appendWarning(store, 'w-hook-1', rectifiedWarning('w-hook-1', '2026-10-12T02:05:00.000Z', { ratingEventId: ratingId }));
    let now = new Date(Date.now() + 60_000);
    const webhooks = startWebhooks({ store, db, endpoints, now: () => now, log: () => {}, intervalMs: 3_600_000 });
    await webhooks.collector!.caughtUp();

    receiver.failNext(1);
    const first = await deliverWebhooks({ db, endpoints, now: () => now });
    expect(first).toEqual({ delivered: 1, retrying: 1, failed: 0 });
    const { rows: log } = await sql<{ status: string; attempts: number; last_status: number | null; last_error: string | null }>`
      select status, attempts, last_status, last_error from app.webhook_deliveries where status = 'pending'`.execute(db);
    expect(log).toEqual([{ status: 'pending', attempts: 1, last_status: 503, last_error: 'HTTP 503' }]);

    expect(await deliverWebhooks({ db, endpoints, now: () => now })).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    now = new Date(now.getTime() + 11_000);
    expect(await deliverWebhooks({ db, endpoints, now: () => now })).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    await webhooks.stop();

    expect(receiver.received.map((r) => r.type).sort()).toEqual(['rating.submitted', 'warning.closed']);
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(2);
    const rating = receiver.received.find((r) => r.type === 'rating.submitted')!;
    expect(rating.data).toMatchObject({ ratingId, overall: 1, negative: true });
    expect(JSON.stringify(receiver.received)).not.toMatch(/13812345678/);
    expect(receiver.received.find((r) => r.type === 'warning.closed')!.data).toMatchObject({ warningId: 'w-hook-1', outcome: 'rectified' });
  });

  it('a receiver that answers with a redirect is not followed; deliveries of a removed endpoint wait without being sent', async () => {
    // Something inside the network that must never get the signed body.
    const inside: string[] = [];
    const internal = createServer((request, response) => {
      inside.push(request.url ?? '');
      response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    const redirecting = createServer((_request, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${(internal.address() as AddressInfo).port}/admin` }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const moved = parseWebhookEndpoints(
        JSON.stringify([{ id: 'moved', url: `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hooks`, secret, events: ['rating.submitted'] }]),
      );
      const at = new Date(Date.now() + 3_600_000);
      for (const [id, endpoint] of [['d-moved', 'moved'], ['d-gone-1', 'gone'], ['d-gone-2', 'gone']] as const) {
        await sql`insert into app.webhook_deliveries (delivery_id, endpoint_id, event_type, source_event_id, payload)
                  values (${id}, ${endpoint}, 'rating.submitted', ${id}, ${JSON.stringify({ type: 'rating.submitted', data: {} })}::jsonb)`.execute(db);
      }
      expect(await deliverWebhooks({ db, endpoints: moved, now: () => at })).toEqual({ delivered: 0, retrying: 1, failed: 0 });
      expect(inside, 'the redirect was not followed').toEqual([]);
      const { rows } = await sql<{ delivery_id: string; status: string; attempts: number; last_status: number | null }>`
        select delivery_id, status, attempts, last_status from app.webhook_deliveries where delivery_id in ('d-moved', 'd-gone-1', 'd-gone-2') order by delivery_id`.execute(db);
      expect(rows).toEqual([
        { delivery_id: 'd-gone-1', status: 'pending', attempts: 0, last_status: null },
        { delivery_id: 'd-gone-2', status: 'pending', attempts: 0, last_status: null },
        { delivery_id: 'd-moved', status: 'pending', attempts: 1, last_status: 307 },
      ]);
    } finally {
      await new Promise<void>((resolve) => redirecting.close(() => resolve()));
      await new Promise<void>((resolve) => internal.close(() => resolve()));
    }
  });

  it('deliveries that ran out of attempts wait for an operator; requeued, they go once more with the same webhook-id, and only the endpoint named', async () => {
    // Near the real time: the receiver checks the signature's timestamp (five minutes' tolerance).
    const at = new Date(Date.now() + 5_000);
    for (const [id, endpoint] of [['d-down-1', 'hotline-12345'], ['d-down-2', 'hotline-12345'], ['d-other', 'archive']] as const) {
      await sql`insert into app.webhook_deliveries (delivery_id, endpoint_id, event_type, source_event_id, payload)
                values (${id}, ${endpoint}, 'warning.closed', ${id}, ${JSON.stringify({ type: 'warning.closed', data: { warningId: id } })}::jsonb)`.execute(db);
    }
    receiver.failNext(2);
    expect(await deliverWebhooks({ db, endpoints, now: () => at, maxAttempts: 1 })).toEqual({ delivered: 0, retrying: 0, failed: 2 });
    await sql`update app.webhook_deliveries set status = 'failed', attempts = 10 where delivery_id = 'd-other'`.execute(db);
    const later = new Date(at.getTime() + 1_000);
    expect(await deliverWebhooks({ db, endpoints, now: () => later }), 'failed deliveries are not retried by themselves').toEqual({ delivered: 0, retrying: 0, failed: 0 });

    expect(await requeueFailedWebhooks(db, { now: later, endpointId: 'hotline-12345' })).toBe(2);
    const before = receiver.received.length;
    expect(await deliverWebhooks({ db, endpoints, now: () => later })).toEqual({ delivered: 2, retrying: 0, failed: 0 });
    expect(receiver.received.slice(before).map((r) => r.id).sort()).toEqual(['d-down-1', 'd-down-2']);
    const { rows } = await sql<{ delivery_id: string; status: string }>`
      select delivery_id, status from app.webhook_deliveries where delivery_id in ('d-down-1', 'd-down-2', 'd-other') order by delivery_id`.execute(db);
    expect(rows).toEqual([
      { delivery_id: 'd-down-1', status: 'delivered' },
      { delivery_id: 'd-down-2', status: 'delivered' },
      { delivery_id: 'd-other', status: 'failed' },
    ]);
    expect(await requeueFailedWebhooks(db, { now: later }), 'without an endpoint: every failed delivery').toBe(1);
  });
});
