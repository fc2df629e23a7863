import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warningStreamId } from '../../core/warning/stream.ts';
import type { Projector } from '../../projections/runtime/projector.ts';
import { startProjector } from '../../projections/runtime/projector.ts';
import { warningsProjection } from '../../projections/warnings/projection.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness, rsjWarning, scjWarning } from './testing.ts';

type Items = { items: { warningId: string; leadDepartment: string; phase: string }[] };

describe('the warning inbox through the staff API (预警待办, from the projections read model)', () => {
  let h: StaffApiHarness;
  let projector: Projector;
  beforeAll(async () => {
    h = await createStaffApiHarness({ inbox: true });
    projector = startProjector({ store: h.store, db: h.db }, warningsProjection, { pollIntervalMs: 50 });
    await h.raise('w-scj-1', scjWarning());
    await h.raise('w-scj-2', scjWarning());
    await h.raise('w-rsj-1', rsjWarning());
    const dispatcher = await h.signIn('dispatcher');
    for (const id of ['w-scj-1', 'w-rsj-1']) expect((await h.as(dispatcher, 'POST', `/api/staff/warnings/${id}/dispatch`, {})).status).toBe(200);
    await projector.caughtUp();
  });
  afterAll(async () => {
    await projector?.stop();
    await h?.close();
  });

  const inbox = async (username: string, query = '') => {
    const res = await h.as(await h.signIn(username), 'GET', `/api/staff/warnings${query}`);
    expect(res.status).toBe(200);
    return ((await res.json()) as Items).items.map((item) => item.warningId).sort();
  };

  it('gives a department handler its own department’s open warnings only', async () => {
    expect(await inbox('handler-scj')).toEqual(['w-scj-1']);
    expect(await inbox('handler-rsj')).toEqual(['w-rsj-1']);
  });

  it('gives the dispatcher the warnings awaiting dispatch, and district roles every open warning', async () => {
    expect(await inbox('dispatcher')).toEqual(['w-scj-2']);
    expect(await inbox('auditor')).toEqual(['w-rsj-1', 'w-scj-1', 'w-scj-2']);
    expect(await inbox('staff-0412')).toEqual([]);
  });

  it('refuses to dispatch to a department code no case, rating or warning names, naming the field; a known one is taken', async () => {
    const dispatcher = await h.signIn('dispatcher');
    const before = (await h.store.readStream(warningStreamId('w-scj-2'))).length;
    const typo = await h.as(dispatcher, 'POST', '/api/staff/warnings/w-scj-2/dispatch', { leadDepartment: 'SJC' });
    expect(typo.status).toBe(422);
    const problem = (await typo.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors).toEqual([expect.objectContaining({ field: 'leadDepartment', message: expect.stringContaining('没有代码为 SJC 的部门') })]);
    const helper = await h.as(dispatcher, 'POST', '/api/staff/warnings/w-scj-2/dispatch', { leadDepartment: 'SCJ', cooperatingDepartments: ['RSJ', 'XYZ'] });
    expect(helper.status).toBe(422);
    expect(((await helper.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(['cooperatingDepartments.1']);
    expect((await h.store.readStream(warningStreamId('w-scj-2'))).length, 'nothing appended').toBe(before);
    expect((await h.as(dispatcher, 'POST', '/api/staff/warnings/w-scj-2/dispatch', { leadDepartment: 'SCJ', cooperatingDepartments: ['RSJ'] })).status).toBe(200);
  });

  it('names a bad query parameter', async () => {
    const res = await h.as(await h.signIn('auditor'), 'GET', '/api/staff/warnings?limit=0');
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { field: string }[] }).errors[0]!.field).toBe('query.limit');
  });
});
