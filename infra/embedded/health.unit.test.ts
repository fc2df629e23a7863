import { describe, expect, it } from 'vitest';
import type { HealthComponent } from './health.ts';
import { healthRoutes } from './health.ts';

// The route factory takes its components as plain functions, so its logic (aggregation, timeouts,
// languages, status codes) is tested here; health.int.test.ts drives the same routes against real
// PGlite and a real Temporal server.
const component = (id: string, check: HealthComponent['check']): HealthComponent => ({
  id,
  name: { 'zh-CN': `组件${id}`, en: `component ${id}` },
  check,
});
const up = (id: string) => component(id, async () => ({ ok: true, detail: `${id} fine` }));

const routes = (components: HealthComponent[]) =>
  healthRoutes({
    service: 'PingGai test',
    components,
    startedAt: new Date('2026-03-02T08:00:00Z'),
    now: () => new Date('2026-03-02T08:01:30Z'),
    checkTimeoutMs: 50,
  });

describe('health routes', () => {
  it('/healthz answers without asking any component (liveness)', async () => {
    let asked = false;
    const app = routes([component('a', async () => ((asked = true), { ok: true, detail: '' }))]);
    const response = await app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'PingGai test', uptimeSeconds: 90 });
    expect(asked).toBe(false);
  });

  it('/readyz is 200 when every component answers', async () => {
    const response = await routes([up('eventStore'), up('temporal')]).request('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ready',
      components: [
        { id: 'eventStore', ok: true, detail: 'eventStore fine' },
        { id: 'temporal', ok: true, detail: 'temporal fine' },
      ],
    });
  });

  it('/readyz is 503 problem+json naming the component that failed or did not answer in time', async () => {
    const app = routes([
      up('eventStore'),
      component('temporal', () => Promise.reject(new Error('connection refused'))),
      component('slow', () => new Promise(() => {})),
    ]);
    const response = await app.request('/readyz?lang=en');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await response.json();
    expect(problem).toMatchObject({ status: 503, code: 'NOT_READY', title: 'Not ready' });
    expect(problem.detail).toBe(
      'Not answering: component temporal: connection refused; component slow: no answer within 50 ms',
    );
    expect(problem.components.map((c: { id: string; ok: boolean }) => [c.id, c.ok])).toEqual([
      ['eventStore', true],
      ['temporal', false],
      ['slow', false],
    ]);
  });

  it('/readyz speaks Chinese by default', async () => {
    const problem = await (
      await routes([component('x', async () => ({ ok: false, detail: '停了' }))]).request('/readyz')
    ).json();
    expect(problem).toMatchObject({ title: '服务未就绪', detail: '以下组件无响应:组件x: 停了' });
  });

  it('/ is a zh-CN page listing each component; ?lang=en gives English; HTML in details is escaped', async () => {
    const app = routes([
      up('eventStore'),
      component('temporal', async () => ({ ok: false, detail: '<b>down</b>' })),
    ]);
    const zh = await app.request('/');
    expect(zh.status).toBe(503);
    expect(zh.headers.get('content-language')).toBe('zh-CN');
    const page = await zh.text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('部分组件异常');
    expect(page).toContain('组件eventStore</td><td>● 正常');
    expect(page).toContain('组件temporal</td><td>✕ 异常');
    expect(page).toContain('&lt;b&gt;down&lt;/b&gt;');
    expect(page).not.toContain('<b>down</b>');

    const en = await (await routes([up('eventStore')]).request('/?lang=en')).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('All components are running');
    expect(en).toContain('component eventStore</td><td>● up');
  });
});
