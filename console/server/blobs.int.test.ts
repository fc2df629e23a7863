import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples } from '../../core/blobs/testing/samples.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, rsjWarning, scjWarning } from './testing.ts';
import type { AppendedFacts } from './testing-facts.ts';
import { appendReadModelFacts, startReadModels } from './testing-facts.ts';

type Session = Awaited<ReturnType<StaffApiHarness['signIn']>>;

describe('GET /blobs/:key: files of ratings and warnings the caller may see (附件与凭证)', () => {
  let h: StaffApiHarness;
  let readModels: ReturnType<typeof startReadModels>;
  let facts: AppendedFacts;
  let photoKey: string;
  let audioKey: string;
  let strayKey: string;
  const sessions: Record<string, Session> = {};

  const upload = async (session: Session, bytes: Uint8Array, type: string) => {
    const res = await h.request('/api/staff/blobs', {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': type },
      body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { key: string }).key;
  };

  beforeAll(async () => {
    h = await createStaffApiHarness({ inbox: true });
    readModels = startReadModels(h);
    facts = await appendReadModelFacts(h.store, h.deps.blobs);
    await h.raise('w-scj', scjWarning());
    await h.raise('w-rsj', rsjWarning());
    for (const username of ['auditor', 'handler-scj', 'handler-rsj', 'dispatcher', 'staff-0412', 'callback'])
      sessions[username] = await h.signIn(username);
    for (const id of ['w-scj', 'w-rsj'])
      expect(
        (await h.as(sessions['dispatcher']!, 'POST', `/api/staff/warnings/${id}/dispatch`, {})).status,
      ).toBe(200);
    const scj = sessions['handler-scj']!;
    photoKey = await upload(scj, samples.jpeg(3000), 'image/jpeg');
    audioKey = await upload(scj, samples.mp3Id3(3000), 'audio/mpeg');
    strayKey = await upload(scj, samples.png(5000), 'image/png');
    for (const blobKey of [photoKey, audioKey])
      expect((await h.as(scj, 'POST', '/api/staff/warnings/w-scj/evidence', { blobKey })).status).toBe(200);
    await readModels.caughtUp();
  });
  afterAll(async () => {
    await readModels?.stop();
    await h?.close();
  });

  const open = (username: string, key: string, query = '') =>
    h.as(sessions[username]!, 'GET', `/api/staff/blobs/${key}${query}`);

  it('serves a rating’s picture inline to district roles and to the rated department, never cached', async () => {
    for (const username of ['auditor', 'handler-scj']) {
      const res = await open(username, facts.pictureKey);
      expect(res.status, username).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('content-disposition')).toMatch(/^inline; filename="[0-9a-f]{16}\.png"$/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(samples.png(4096));
    }
    expect((await open('auditor', facts.pictureKey, `?rating=${facts.ratingIds['scj-3']}`)).status).toBe(200);
  });

  it('answers 404 (as if missing) to another department, to the wrong rating, and for a file attached to nothing', async () => {
    const other = await open('handler-rsj', facts.pictureKey);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { code: string }).code).toBe('BLOB_NOT_FOUND');
    expect((await open('auditor', facts.pictureKey, `?rating=${facts.ratingIds['scj-1']}`)).status).toBe(404);
    expect((await open('auditor', strayKey)).status).toBe(404);
    expect((await open('auditor', 'b'.repeat(64))).status).toBe(404);
  });

  it('serves warning evidence through the warning, to whoever may see that warning; non-pictures download', async () => {
    const photo = await open('handler-scj', photoKey, '?warning=w-scj');
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const audio = await open('callback', audioKey, '?warning=w-scj');
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-disposition')).toMatch(/^attachment; filename="[0-9a-f]{16}\.mp3"$/);
    expect((await open('staff-0412', photoKey, '?warning=w-scj')).status).toBe(200);
    // Not visible to RSJ; not evidence of RSJ's warning; not found without naming the warning.
    expect((await open('handler-rsj', photoKey, '?warning=w-scj')).status).toBe(404);
    expect((await open('handler-rsj', photoKey, '?warning=w-rsj')).status).toBe(404);
    expect((await open('auditor', photoKey)).status).toBe(404);
  });

  it('names a bad key or query (400/422) and refuses without a session (401)', async () => {
    const bad = await open('auditor', 'not-a-key');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('key');
    const both = await open('auditor', photoKey, '?warning=w-scj&rating=r');
    expect(both.status).toBe(422);
    expect(((await both.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('query.rating');
    const stray = await open('auditor', photoKey, '?download=1');
    expect(((await stray.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('query.download');
    expect((await h.request(`/api/staff/blobs/${photoKey}`)).status).toBe(401);
  });
});
