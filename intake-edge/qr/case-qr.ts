import { QUIET_ZONE, escapeXml, qrMatrix, qrPath } from './matrix.ts';

/**
 * The dynamic per-case QR (一案一码) shown on a window screen or rating device: the same evaluation link
 * the SMS carries. A self-contained SVG that scales to any screen; `title` is read by screen readers.
 *
 * @example
 *   c.body(caseQrSvg(invitationLink, { title: '扫码评价本次办理' }), 200, { 'content-type': 'image/svg+xml' });
 */
export const caseQrSvg = (link: string, options: { title?: string; pixels?: number } = {}): string => {
  const matrix = qrMatrix(link);
  const extent = matrix.size + QUIET_ZONE * 2;
  const pixels = options.pixels ?? 320;
  const title = escapeXml(options.title ?? '扫码评价');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${extent} ${extent}" width="${pixels}" height="${pixels}" ` +
    `shape-rendering="crispEdges" role="img" aria-label="${title}"><title>${title}</title>` +
    `<rect width="${extent}" height="${extent}" fill="#fff"/><path fill="#000" d="${qrPath(matrix)}"/></svg>`
  );
};
