import { Hono } from 'hono';
import { chooseLang } from '../../core/http/lang.ts';
import type { Bilingual } from '../../core/http/lang.ts';
import { problemResponse } from '../../core/http/problem.ts';
import { renderHealthPage } from './health-page.ts';

/** What a component says about itself when asked. */
export type ComponentState =
  { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly detail: string };

/** One part of a deployable that readiness depends on (event store, Temporal, …). */
export interface HealthComponent {
  readonly id: string;
  readonly name: Bilingual;
  readonly check: () => Promise<ComponentState>;
}

export interface ComponentReport {
  readonly id: string;
  readonly name: Bilingual;
  readonly ok: boolean;
  readonly detail: string;
  readonly ms: number;
}

export interface HealthDeps {
  /** Shown on the page and in /healthz, e.g. "PingGai embedded". */
  readonly service: string;
  readonly components: readonly HealthComponent[];
  readonly startedAt: Date;
  readonly now: () => Date;
  /** A component that has not answered by then counts as down. */
  readonly checkTimeoutMs?: number;
}

const checkOne = async (
  component: HealthComponent,
  timeoutMs: number,
  now: () => Date,
): Promise<ComponentReport> => {
  const began = now().getTime();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ComponentState>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const state = await Promise.race([
    component.check().catch((error: unknown): ComponentState => ({
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
    })),
    timeout,
  ]);
  clearTimeout(timer);
  return {
    id: component.id,
    name: component.name,
    ok: state.ok,
    detail: state.detail,
    ms: now().getTime() - began,
  };
};

/**
 * Liveness, readiness and a human health page for one deployable.
 *
 * - `GET /healthz`: the process answers (liveness; asks no one else).
 * - `GET /readyz`: every component answers; 503 problem+json naming the ones that do not.
 * - `GET /`: the same, as a page in zh-CN (`?lang=en` for English).
 *
 * @example
 *   app.route('/', healthRoutes({ service: 'PingGai embedded', components: [eventStoreHealth(store)], startedAt, now }));
 */
export const healthRoutes = (deps: HealthDeps): Hono => {
  const timeoutMs = deps.checkTimeoutMs ?? 2_000;
  const checkAll = () =>
    Promise.all(deps.components.map((component) => checkOne(component, timeoutMs, deps.now)));
  const uptimeSeconds = () => Math.round((deps.now().getTime() - deps.startedAt.getTime()) / 1000);
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok', service: deps.service, uptimeSeconds: uptimeSeconds() }));

  app.get('/readyz', async (c) => {
    const reports = await checkAll();
    const components = reports.map(({ id, ok, detail, ms }) => ({ id, ok, detail, ms }));
    const down = reports.filter((report) => !report.ok);
    if (down.length === 0) return c.json({ status: 'ready', service: deps.service, components });
    const lang = chooseLang(c.req.raw);
    const names = down.map((report) => `${report.name[lang]}: ${report.detail}`).join('; ');
    return problemResponse(
      {
        type: 'urn:pinggai:problem:NOT_READY',
        title: lang === 'en' ? 'Not ready' : '服务未就绪',
        status: 503,
        detail: lang === 'en' ? `Not answering: ${names}` : `以下组件无响应:${names}`,
        code: 'NOT_READY',
        instance: '/readyz',
        // The problem document carries every component so an operator sees the whole picture.
        ...{ components },
      },
      lang,
      { 'retry-after': '5' },
    );
  });

  app.get('/', async (c) => {
    const lang = chooseLang(c.req.raw);
    const reports = await checkAll();
    const html = renderHealthPage({
      service: deps.service,
      lang,
      reports,
      uptimeSeconds: uptimeSeconds(),
      checkedAt: deps.now(),
    });
    return c.html(html, reports.every((report) => report.ok) ? 200 : 503, {
      'content-language': lang,
      'cache-control': 'no-store',
    });
  });

  return app;
};
