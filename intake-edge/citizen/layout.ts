import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Lang } from '../../core/http/lang.ts';
import { m } from './messages.ts';

export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageView {
  readonly lang: Lang;
  readonly elder: boolean;
  /** The request's URL (path and query), to build the language and elder-mode links. */
  readonly url: string;
}

/**
 * Styles: system fonts, no web fonts or images, colours with ≥ 4.5:1 contrast (WCAG 2.1 AA), 48 px
 * touch targets (64 px in elder mode), visible focus. Rating levels are radio buttons styled as big
 * buttons: a plain form post works without JavaScript (WeChat's browser included).
 */
const css = `
*{box-sizing:border-box}html{font-size:100%}body{margin:0;font:1rem/1.5 system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f4f6f8}
main{max-width:36rem;margin:0 auto;padding:1rem}header{display:flex;justify-content:space-between;align-items:center;gap:.5rem;flex-wrap:wrap;padding:.5rem 1rem;background:#0b4f8a;color:#fff}
header a{color:#fff;padding:.6rem .4rem;min-height:48px;display:inline-flex;align-items:center}h1{font-size:1.35rem;margin:.5rem 0 1rem}
.card{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
fieldset{border:0;margin:0 0 1rem;padding:0}legend{font-weight:600;margin-bottom:.5rem;padding:0}
.levels{display:grid;gap:.5rem}.levels label,.opt label{display:flex;align-items:center;gap:.6rem;min-height:48px;padding:.5rem .8rem;border:2px solid #5b6b7a;border-radius:.5rem;background:#fff;cursor:pointer}
.levels input,.opt input{width:1.4rem;height:1.4rem;flex:none;accent-color:#0b4f8a}
.levels label:has(input:checked),.opt label:has(input:checked){border-color:#0b4f8a;background:#e6f0fa}
.item{margin-bottom:.8rem}.item .row{display:flex;flex-wrap:wrap;gap:.4rem}.item .row label{min-height:44px;padding:.4rem .6rem;flex:1 1 4.5rem;justify-content:center;font-size:.95rem}
.opt{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.5rem}
textarea,input[type=file]{width:100%;font:inherit;padding:.6rem;border:2px solid #5b6b7a;border-radius:.5rem;background:#fff;color:#1a1a1a}
button,.button{display:block;width:100%;min-height:52px;font:inherit;font-size:1.15rem;font-weight:600;color:#fff;background:#0b4f8a;border:0;border-radius:.5rem;padding:.7rem 1rem;cursor:pointer;text-align:center;text-decoration:none}
.matters{display:grid;gap:.6rem}.muted{color:#4a5560;font-size:.9rem}.errors{border:2px solid #b00020;background:#fdecee;color:#7a0016}
a{color:#0b4f8a}:focus-visible{outline:3px solid #c75000;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#0b4f8a;padding:.5rem;z-index:1}
form:not(:has(input[name=overall][value="1"]:checked,input[name=overall][value="2"]:checked,input[name=overall][value="3"]:checked)) .followup{display:none}
body.elder{font-size:1.3rem;background:#fff;color:#000}body.elder header{background:#00264d}body.elder .levels label,body.elder .opt label{min-height:64px;border-color:#000;border-width:3px}
body.elder button,body.elder .button{min-height:72px;font-size:1.5rem;background:#00264d}body.elder .muted{color:#222}
`;

/** A link to the same page with one query parameter changed. */
export const withParam = (url: string, name: string, value: string): string => {
  const next = new URL(url);
  next.searchParams.set(name, value);
  return `${next.pathname}${next.search}`;
};

export const page = (view: PageView, title: string, body: Markup): Markup => html`<!doctype html>
<html lang="${view.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · ${m.appName[view.lang]}</title>
<style>${raw(css)}</style>
</head>
<body class="${view.elder ? 'elder' : ''}">
<a class="skip" href="#main">${view.lang === 'en' ? 'Skip to content' : '跳到正文'}</a>
<header>
<span>${m.appName[view.lang]}</span>
<nav aria-label="${view.lang === 'en' ? 'Display options' : '显示选项'}">
<a href="${withParam(view.url, 'elder', view.elder ? '0' : '1')}">${view.elder ? m.elderOff[view.lang] : m.elderOn[view.lang]}</a>
<a href="${withParam(view.url, 'lang', view.lang === 'en' ? 'zh-CN' : 'en')}" lang="${view.lang === 'en' ? 'zh-CN' : 'en'}">${m.otherLang[view.lang]}</a>
</nav>
</header>
<main id="main">
${body}
</main>
</body>
</html>`;

export const messagePage = (view: PageView, title: string, paragraphs: readonly string[]): Markup =>
  page(view, title, html`<div class="card" role="status"><h1>${title}</h1>${paragraphs.map((text) => html`<p>${text}</p>`)}</div>`);
