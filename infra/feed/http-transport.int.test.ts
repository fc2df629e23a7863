import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPglite } from '../../tests/support/databases.ts';
import { createHttpFeedTransport, feedSignature, httpFeedConfigFromEnv } from './http-transport.ts';
import { sendFeed } from './outbox.ts';

const secret = 'province-shared-secret-0123456789';
/** When the records were queued, on the tests' clock (the column's default, now(), is the real one). */
const queuedAt = '2026-11-30T00:00:00Z';

/**
 * Issue 7, the provincial feed over HTTP: records leave signed, the province's answers are kept
 * (accepted; rejected with its reason), and an unreachable or refusing province means a retry later,
 * never a lost record. The province here is a real HTTP server on this machine speaking the documented
 * interface (http-transport.ts), since the real one is out of reach.
 */
describe('the provincial feed sent over HTTP', () => {
  let setup: Awaited<ReturnType<typeof createTestPglite>>;
  let url: string;
  const received: { recordIds: string[]; signed: boolean }[] = [];
  let refuseNext = 1;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const headers = req.headers as Record<string, string>;
      const signed = headers['x-pj-key'] === 'xianan' && headers['x-pj-signature'] === feedSignature(secret, headers['x-pj-timestamp']!, headers['x-pj-nonce']!, body);
      const recordIds = (JSON.parse(body) as { records: { recordId: string }[] }).records.map((record) => record.recordId);
      received.push({ recordIds, signed });
      if (!signed) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
      if (refuseNext-- > 0) return void res.writeHead(503).end('maintenance');
      const results = recordIds.map((recordId) => (recordId.endsWith('2') ? { recordId, status: 'rejected', reason: 'E102 事项编码不存在' } : { recordId, status: 'accepted' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
    });
  });

  beforeAll(async () => {
    setup = await createTestPglite();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hcp/records`;
    for (const id of ['PJrating000001', 'PJrating000002'])
      await sql`insert into app.feed_outbox (record_id, kind, source_event_id, month_key, payload, next_attempt_at)
                values (${id}, 'rating', ${`e-${id}`}, '2026-11', ${JSON.stringify({ kind: 'rating', recordId: id })}::jsonb, ${queuedAt})`.execute(setup.db);
  });
  afterAll(async () => {
    server.close();
    await setup?.pglite.close();
  });

  const rows = async () =>
    (await sql<{ record_id: string; status: string; attempts: number; reason: string | null }>`select record_id, status, attempts, reason from app.feed_outbox order by record_id`.execute(setup.db)).rows;

  it('retries a batch the province could not take, then keeps each answer', async () => {
    const now = new Date('2026-12-01T02:00:00Z');
    const transport = createHttpFeedTransport(httpFeedConfigFromEnv({ PINGGAI_FEED_URL: url, PINGGAI_FEED_KEY_ID: 'xianan', PINGGAI_FEED_SECRET: secret })!);

    const refused = await sendFeed({ db: setup.db, transport, now: () => now, month: '2026-11' });
    expect(refused).toEqual({ accepted: 0, rejected: 0, retrying: 2, failed: 0 });
    expect(await rows()).toMatchObject([
      { status: 'pending', attempts: 1, reason: expect.stringContaining('HTTP 503') },
      { status: 'pending', attempts: 1, reason: expect.stringContaining('HTTP 503') },
    ]);
    // Not due yet: nothing is sent again at once.
    expect(await sendFeed({ db: setup.db, transport, now: () => now, month: '2026-11' })).toEqual({ accepted: 0, rejected: 0, retrying: 0, failed: 0 });

    const later = new Date(now.getTime() + 3_600_000);
    expect(await sendFeed({ db: setup.db, transport, now: () => later, month: '2026-11' })).toEqual({ accepted: 1, rejected: 1, retrying: 0, failed: 0 });
    expect(await rows()).toMatchObject([
      { record_id: 'PJrating000001', status: 'accepted', attempts: 2, reason: null },
      { record_id: 'PJrating000002', status: 'rejected', attempts: 2, reason: 'E102 事项编码不存在' },
    ]);
    expect(received.every((request) => request.signed)).toBe(true);
    expect(received.map((request) => request.recordIds)).toEqual([
      ['PJrating000001', 'PJrating000002'],
      ['PJrating000001', 'PJrating000002'],
    ]);
  });

  it('a wrong key is refused by the province and counts as unreachable, never as an answer', async () => {
    await sql`insert into app.feed_outbox (record_id, kind, source_event_id, month_key, payload, next_attempt_at)
              values ('PJrating000003', 'rating', 'e-3', '2026-11', '{"kind":"rating","recordId":"PJrating000003"}'::jsonb, ${queuedAt})`.execute(setup.db);
    const forged = createHttpFeedTransport({ url, keyId: 'xianan', secret: 'not-the-shared-secret-at-all' });
    expect(await sendFeed({ db: setup.db, transport: forged, now: () => new Date('2026-12-02T00:00:00Z') })).toEqual({ accepted: 0, rejected: 0, retrying: 1, failed: 0 });
    expect((await rows()).find((row) => row.record_id === 'PJrating000003')).toMatchObject({ status: 'pending', reason: expect.stringContaining('HTTP 401') });
  });

  it('the configuration is all three variables or none, each bad one named', () => {
    expect(httpFeedConfigFromEnv({})).toBeNull();
    expect(() => httpFeedConfigFromEnv({ PINGGAI_FEED_URL: url })).toThrow(/PINGGAI_FEED_KEY_ID, PINGGAI_FEED_SECRET/);
    expect(() => httpFeedConfigFromEnv({ PINGGAI_FEED_URL: 'ftp://x', PINGGAI_FEED_KEY_ID: 'k', PINGGAI_FEED_SECRET: secret })).toThrow(/PINGGAI_FEED_URL/);
    // Plain http only to this machine: the records carry case numbers and citizens' comments.
    expect(() => httpFeedConfigFromEnv({ PINGGAI_FEED_URL: 'http://hcp.province.example/records', PINGGAI_FEED_KEY_ID: 'k', PINGGAI_FEED_SECRET: secret })).toThrow(/https/);
    expect(httpFeedConfigFromEnv({ PINGGAI_FEED_URL: 'https://hcp.province.example/records', PINGGAI_FEED_KEY_ID: 'k', PINGGAI_FEED_SECRET: secret })?.url).toBe('https://hcp.province.example/records');
    expect(() => httpFeedConfigFromEnv({ PINGGAI_FEED_URL: url, PINGGAI_FEED_KEY_ID: 'k', PINGGAI_FEED_SECRET: 'short' })).toThrow(/PINGGAI_FEED_SECRET/);
  });
});
