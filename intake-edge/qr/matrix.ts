import QRCode from 'qrcode';

/** A QR code as a square of modules (true = dark), plus the quiet zone (静区) it needs around it. */
export interface QrMatrix {
  readonly size: number;
  readonly dark: (x: number, y: number) => boolean;
}

/**
 * Error correction M (15 %): sturdy enough for a printed sheet that gets scuffed, and the short
 * evaluation links keep the code small (version 2–3).
 */
export const qrMatrix = (text: string): QrMatrix => {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  return { size: modules.size, dark: (x, y) => Boolean(modules.data[y * modules.size + x]) };
};

export const QUIET_ZONE = 4;

/** An SVG path of the dark modules in module units, offset by the quiet zone: one `path`, small output. */
export const qrPath = (matrix: QrMatrix, offset = QUIET_ZONE): string => {
  let d = '';
  for (let y = 0; y < matrix.size; y++) {
    for (let x = 0; x < matrix.size; x++) {
      if (!matrix.dark(x, y)) continue;
      let run = 1;
      while (x + run < matrix.size && matrix.dark(x + run, y)) run++;
      d += `M${x + offset} ${y + offset}h${run}v1h-${run}z`;
      x += run - 1;
    }
  }
  return d;
};

export const escapeXml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
