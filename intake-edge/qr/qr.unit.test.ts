import jsQRModule from 'jsqr';
import { describe, expect, it } from 'vitest';
import { caseQrSvg } from './case-qr.ts';
import { staticQrSheetPdf } from './sheet-pdf.node.ts';
import type { QrHall } from './sheet.ts';
import { staticQrSheetSvg } from './sheet.ts';

// jsqr is CommonJS with an `exports.default`: TypeScript (NodeNext) and vitest disagree on the interop.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as typeof jsQRModule.default;

/** Rasterises the module path this module writes (M x y h n v1 h-n z) and decodes it with jsQR. */
const decodeQrSvg = (svg: string): string | undefined => {
  const viewBox = /viewBox="0 0 (\d+) \1"/.exec(svg);
  const path = /<path fill="#000" d="([^"]+)"/.exec(svg);
  if (!viewBox || !path) return undefined;
  const extent = Number(viewBox[1]);
  const scale = 6;
  const side = extent * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  for (const [, x, y, run] of path[1]!.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let py = Number(y) * scale; py < (Number(y) + 1) * scale; py++) {
      for (let px = Number(x) * scale; px < (Number(x) + Number(run)) * scale; px++) {
        pixels.fill(0, (py * side + px) * 4, (py * side + px) * 4 + 3);
      }
    }
  }
  return jsQR(pixels, side, side)?.data;
};

const halls: QrHall[] = [
  { id: 'smzj', name: '市民之家', windows: Array.from({ length: 10 }, (_, i) => ({ id: `w${i + 1}`, name: `${i + 1} 号窗口 综合受理` })) },
  { id: 'wqjd', name: '温泉街道便民服务中心', windows: [{ id: 'w1', name: '社保 & 医保 <窗口>' }, { id: 'w2', name: '不动产登记' }] },
  { id: 'fsjd', name: '浮山街道', windows: [] },
];
const linkFor = (hall: QrHall, window: { id: string }) => `https://pg.example.cn/q/${hall.id}/${window.id}`;

describe('dynamic per-case QR', () => {
  it('encodes exactly the evaluation link, as an accessible SVG', () => {
    const link = 'https://pg.example.cn/e/Ab3dE5gH7jK9mN1pQr2s';
    const svg = caseQrSvg(link, { title: '扫码评价本次办理' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('role="img" aria-label="扫码评价本次办理"');
    expect(decodeQrSvg(svg)).toBe(link);
    expect(svg.length).toBeLessThan(8_000); // small enough to inline in a page
  });
});

describe('printable sheet of static window codes', () => {
  const pages = staticQrSheetSvg({ halls, linkFor });

  it('lays out 12 codes per A4 page, with cut lines and a page count', () => {
    expect(pages).toHaveLength(1); // 12 windows
    const two = staticQrSheetSvg({ halls: [...halls, { id: 'yajd', name: '永安街道', windows: [{ id: 'w1', name: '1 号窗口' }] }], linkFor });
    expect(two).toHaveLength(2);
    expect(two[1]).toContain('第 2 / 2 页');
    expect(pages[0]).toContain('width="210mm" height="297mm"');
    expect(pages[0]).toContain('stroke-dasharray');
  });

  it('labels each code with its window and hall in Chinese, XML-escaped', () => {
    expect(pages[0]).toContain('>1 号窗口 综合受理<');
    expect(pages[0]).toContain('>温泉街道便民服务中心<');
    expect(pages[0]).toContain('>社保 &amp; 医保 &lt;窗口&gt;<');
    expect(pages[0]).not.toContain('<窗口>');
  });

  it('every code on the sheet decodes to its own window link', () => {
    const cells = [...pages[0]!.matchAll(/<svg x="[\d.]+" y="[\d.]+" width="44" height="44" (viewBox="0 0 (\d+) \2") shape-rendering="crispEdges">(<path[^>]+>)<\/svg>/g)];
    expect(cells).toHaveLength(12);
    const decoded = cells.map((m) => decodeQrSvg(`<svg ${m[1]}>${m[3]}</svg>`));
    expect(decoded.slice(0, 2)).toEqual(['https://pg.example.cn/q/smzj/w1', 'https://pg.example.cn/q/smzj/w2']);
    expect(decoded.at(-1)).toBe('https://pg.example.cn/q/wqjd/w2');
  });
});

describe('printable sheet as PDF (pdfkit + embedded Noto Sans CJK)', () => {
  it('is an A4 PDF with one page per 12 codes and the CJK font embedded as a subset', async () => {
    const pdf = await staticQrSheetPdf({ halls: [...halls, { id: 'yajd', name: '永安街道', windows: [{ id: 'w1', name: '1 号窗口' }] }], linkFor });
    const text = Buffer.from(pdf).toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.match(/\/Type \/Page\b/g)).toHaveLength(2);
    expect(text).toContain('/MediaBox [0 0 595.28 841.89]');
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansCJKsc-Regular/);
    expect(pdf.length).toBeLessThan(2_000_000); // subset, not the 20 MB collection
  });
});
