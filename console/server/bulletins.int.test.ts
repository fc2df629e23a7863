import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackDocx } from '../../tests/support/docx.ts';
import type { StaffApiHarness } from './testing.ts';
import { createStaffApiHarness } from './testing.ts';

describe('monthly bulletin download (月度通报)', () => {
  let h: StaffApiHarness;
  beforeAll(async () => {
    h = await createStaffApiHarness({ inbox: true });
  });
  afterAll(async () => h.close());

  it('gives district roles an editable .docx and an HTML view', async () => {
    const lead = await h.signIn('wglead');
    const docx = await h.as(lead, 'GET', '/api/staff/bulletins/2026-03.docx');
    expect(docx.status).toBe(200);
    expect(docx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(docx.headers.get('content-disposition')).toContain("filename*=UTF-8''");
    const parts = unpackDocx(new Uint8Array(await docx.arrayBuffer()));
    expect(parts.text).toContain('月度通报');
    const html = await h.as(lead, 'GET', '/api/staff/bulletins/2026-03.html');
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('月度通报');
  });

  it('refuses a malformed month, naming the path field', async () => {
    const lead = await h.signIn('wglead');
    const res = await h.as(lead, 'GET', '/api/staff/bulletins/2026-13.docx');
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('path.file');
    // A year the database cannot hold as a time: the field named, not a 500.
    expect((await h.as(lead, 'GET', '/api/staff/bulletins/0000-01.docx')).status).toBe(400);
  });

  it('keeps department handlers out (district-wide figures)', async () => {
    const handler = await h.signIn('handler-scj');
    expect((await h.as(handler, 'GET', '/api/staff/bulletins/2026-03.docx')).status).toBe(403);
  });
});
