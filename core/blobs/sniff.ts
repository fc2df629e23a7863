import type { BlobMediaType } from './types.ts';

/*
 * Content sniffing for exactly the allowed types. Why not the `file-type` package: its current major
 * (22) requires Node ≥ 22 (this project runs on Node 20) and pulls stream/token readers, while the
 * edge needs a Web-standard module that runs unchanged on Deno. The signatures below are the
 * published ones (JPEG SOI, PNG signature, RIFF WEBP/WAVE, ISO-BMFF `ftyp` brands, ID3 / MPEG audio
 * frame sync, ADTS, `#!AMR`), checked on the first bytes only.
 */

const ascii = (bytes: Uint8Array, offset: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(offset, offset + length));

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const M4A_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ']);
const MP4_BRANDS = new Set(['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'mmp4', 'MSNV', 'M4V ', 'M4VH', 'M4VP', 'f4v ', 'NDAS']);
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

/** ISO base media file (MP4 family): the `ftyp` box's major brand, or undefined. */
const ftypBrand = (bytes: Uint8Array): string | undefined =>
  bytes.length >= 12 && ascii(bytes, 4, 4) === 'ftyp' ? ascii(bytes, 8, 4) : undefined;

/** The `ftyp` compatible brands (after major brand and minor version), for files whose major brand is vague. */
const ftypCompatibleBrands = (bytes: Uint8Array): string[] => {
  const size = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const end = Math.min(size, bytes.length, 256);
  const brands: string[] = [];
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(bytes, offset, 4));
  return brands;
};

/**
 * The media type the content really is, or undefined when it is none of the allowed types.
 * `generic ISO-BMFF` (isom/mp42 …) is video/mp4; the policy accepts it as audio/mp4 when m4a was declared.
 */
export const sniffMediaType = (bytes: Uint8Array): BlobMediaType | undefined => {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF') {
    const form = ascii(bytes, 8, 4);
    if (form === 'WEBP') return 'image/webp';
    if (form === 'WAVE') return 'audio/wav';
    return undefined;
  }
  if (ascii(bytes, 0, 5) === '#!AMR') return 'audio/amr';
  const brand = ftypBrand(bytes);
  if (brand !== undefined) {
    if (HEIC_BRANDS.has(brand)) return 'image/heic';
    if (M4A_BRANDS.has(brand)) return 'audio/mp4';
    if (brand === 'qt  ') return 'video/quicktime';
    if (MP4_BRANDS.has(brand)) return 'video/mp4';
    const compatible = ftypCompatibleBrands(bytes);
    if (compatible.some((b) => HEIC_BRANDS.has(b))) return 'image/heic';
    if (compatible.some((b) => MP4_BRANDS.has(b))) return 'video/mp4';
    return undefined;
  }
  // QuickTime files from older cameras start with a movie atom instead of `ftyp`.
  if (bytes.length >= 8 && QUICKTIME_ATOMS.has(ascii(bytes, 4, 4))) return 'video/quicktime';
  if (ascii(bytes, 0, 3) === 'ID3') return 'audio/mpeg';
  if (bytes.length >= 2 && bytes[0] === 0xff) {
    const b1 = bytes[1]!;
    // ADTS (AAC): 12-bit sync, layer bits 00.
    if ((b1 & 0xf6) === 0xf0) return 'audio/aac';
    // MPEG audio frame: 11-bit sync, version not reserved (01), layer III/II/I not reserved (00).
    if ((b1 & 0xe0) === 0xe0 && ((b1 >> 3) & 0x03) !== 0x01 && ((b1 >> 1) & 0x03) !== 0x00) return 'audio/mpeg';
  }
  return undefined;
};
