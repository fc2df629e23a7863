/**
 * The HTML view of the bulletin: one self-contained zh-CN page (no scripts, no outside resources),
 * the charts as inline SVG. Every text goes through `escape`; the SVG comes from ECharts' own
 * renderer, which escapes the labels it draws.
 */
import type { Block, BulletinContent } from './content.ts';

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const blockToHtml = (block: Block): string => {
  switch (block.kind) {
    case 'heading':
      return `<h2>${escape(block.text)}</h2>`;
    case 'paragraph':
      return `<p>${escape(block.text)}</p>`;
    case 'table': {
      const head = block.headers.map((h) => `<th scope="col">${escape(h)}</th>`).join('');
      const body =
        block.rows.length === 0
          ? `<tr><td colspan="${block.headers.length}">本月无数据</td></tr>`
          : block.rows.map((row) => `<tr>${row.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n');
      return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
    }
    case 'chart':
      return `<figure role="img" aria-label="${escape(block.caption)}">${block.chart.svg}<figcaption>${escape(block.caption)}</figcaption></figure>`;
    case 'note':
      return `<p class="note">${escape(block.text)}</p>`;
    default: {
      const never: never = block;
      throw new Error(`unknown block ${JSON.stringify(never)}`);
    }
  }
};

const STYLE = `
body { font-family: "FangSong", "仿宋_GB2312", "仿宋", "Noto Serif CJK SC", serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.8; color: #111; }
h1 { font-family: "方正小标宋简体", "SimSun", "Noto Serif CJK SC", serif; text-align: center; font-size: 1.6rem; font-weight: normal; }
.subtitle { text-align: center; }
h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 1.15rem; font-weight: normal; }
p { text-indent: 2em; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #333; padding: 0.2rem 0.4rem; text-align: center; }
figure { margin: 1rem 0; text-align: center; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-family: "SimHei", "黑体", sans-serif; font-size: 0.9rem; }
.note { font-size: 0.85rem; color: #444; text-indent: 0; }
`;

export const bulletinHtml = (content: BulletinContent): string => `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(content.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escape(content.title)}</h1>
<p class="subtitle">${escape(content.subtitle)}</p>
${content.blocks.map(blockToHtml).join('\n')}
</main>
</body>
</html>
`;
