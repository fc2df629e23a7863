// Node only (zlib): tiny but real PNG pictures for the demo's evidence and on-site photos.
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

const crc32 = (bytes: Uint8Array): number => {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

const chunk = (type: string, data: Uint8Array): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};

/**
 * A 96×64 RGB picture: two colour bands and a diagonal stripe whose place depends on `variant`, so
 * every photo has its own content hash (the blob store is content-addressed).
 */
export const demoPhotoPng = (
  variant: number,
  colour: readonly [number, number, number] = [70, 130, 180],
): Uint8Array => {
  const width = 96;
  const height = 64;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const stripe = Math.abs(((x + y + variant * 7) % 48) - 24) < 3;
      const band = y < height / 2 ? 1 : 0.7;
      const offset = row + 1 + x * 3;
      raw[offset] = stripe ? 250 : Math.round(colour[0] * band);
      raw[offset + 1] = stripe ? 250 : Math.round(colour[1] * band);
      raw[offset + 2] = stripe ? 250 : Math.round((colour[2] + (variant % 50)) * band) & 0xff;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(raw)),
      chunk('IEND', new Uint8Array(0)),
    ]),
  );
};
