import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bodyLimit } from './body-limit.ts';

const app = new Hono();
app.post('/in', bodyLimit({ maxSize: 8, onError: (c) => c.text('too large', 413) }), async (c) => c.text(`read ${await c.req.text()}`));

const streamOf = (text: string) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of text.match(/.{1,3}/g) ?? []) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

describe('bodyLimit', () => {
  it('judges a body by its Content-Length and leaves it readable', async () => {
    const ok = await app.request('/in', { method: 'POST', body: 'a=1&b=22', headers: { 'content-length': '8' } });
    expect(await ok.text()).toBe('read a=1&b=22');
    const over = await app.request('/in', { method: 'POST', body: 'overall=5', headers: { 'content-length': '9' } });
    expect([over.status, await over.text()]).toEqual([413, 'too large']);
  });

  it('counts a body without a Content-Length as it streams', async () => {
    const ok = await app.request('/in', { method: 'POST', body: streamOf('a=1&b=2'), duplex: 'half' } as RequestInit);
    expect(await ok.text()).toBe('read a=1&b=2');
    const over = await app.request('/in', { method: 'POST', body: streamOf('a=1&b=2&c=3'), duplex: 'half' } as RequestInit);
    expect([over.status, await over.text()]).toEqual([413, 'too large']);
  });

  it('passes a request without a body', async () => {
    expect(await (await app.request('/in', { method: 'POST' })).text()).toBe('read ');
  });
});
