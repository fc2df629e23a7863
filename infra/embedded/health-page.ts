import type { Lang } from '../../core/http/lang.ts';
import type { ComponentReport } from './health.ts';

const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

const words = {
  'zh-CN': {
    title: '运行状态',
    allOk: '全部组件正常运行',
    someDown: '部分组件异常',
    component: '组件',
    state: '状态',
    detail: '说明',
    up: '正常',
    down: '异常',
    uptime: '已运行',
    seconds: '秒',
    checkedAt: '检查时间',
    other: 'English',
  },
  en: {
    title: 'Health',
    allOk: 'All components are running',
    someDown: 'Some components are down',
    component: 'Component',
    state: 'State',
    detail: 'Detail',
    up: 'up',
    down: 'down',
    uptime: 'Uptime',
    seconds: 's',
    checkedAt: 'Checked at',
    other: '中文',
  },
} as const;

export interface HealthPageInput {
  readonly service: string;
  readonly lang: Lang;
  readonly reports: readonly ComponentReport[];
  readonly uptimeSeconds: number;
  readonly checkedAt: Date;
}

/** A small self-contained page (no scripts, no external assets) that refreshes itself every 10 s. */
export const renderHealthPage = ({
  service,
  lang,
  reports,
  uptimeSeconds,
  checkedAt,
}: HealthPageInput): string => {
  const w = words[lang];
  const allOk = reports.every((report) => report.ok);
  const rows = reports
    .map(
      (report) =>
        `<tr class="${report.ok ? 'up' : 'down'}"><td>${escapeHtml(report.name[lang])}</td>` +
        `<td>${report.ok ? `● ${w.up}` : `✕ ${w.down}`}</td><td>${escapeHtml(report.detail)} <small>(${report.ms} ms)</small></td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="10">
<title>${escapeHtml(service)} · ${w.title}</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1f2328;max-width:52rem}
h1{font-size:1.4rem}.summary{padding:.6rem 1rem;border-radius:.4rem}.ok{background:#dafbe1}.bad{background:#ffebe9}
table{border-collapse:collapse;width:100%;margin-top:1rem}td,th{border-bottom:1px solid #d0d7de;padding:.5rem;text-align:left}
tr.up td:nth-child(2){color:#1a7f37}tr.down td:nth-child(2){color:#cf222e;font-weight:bold}small{color:#57606a}
</style>
</head>
<body>
<h1>评改通 PingGai · ${escapeHtml(service)} · ${w.title}</h1>
<p class="summary ${allOk ? 'ok' : 'bad'}">${allOk ? w.allOk : w.someDown}</p>
<table>
<thead><tr><th>${w.component}</th><th>${w.state}</th><th>${w.detail}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p><small>${w.uptime} ${uptimeSeconds} ${w.seconds} · ${w.checkedAt} ${checkedAt.toISOString()} ·
<a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a> · <a href="?lang=${lang === 'en' ? 'zh-CN' : 'en'}">${w.other}</a></small></p>
</body>
</html>
`;
};
