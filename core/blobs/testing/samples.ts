// Test support: the first bytes of each allowed format, as their specifications lay them out, padded
// to a given size. Sniffing reads only these; the rest is filler.
const pad = (head: number[], size: number): Uint8Array => {
  const bytes = new Uint8Array(Math.max(size, head.length));
  bytes.set(head);
  for (let i = head.length; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
  return bytes;
};
const text = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ftyp = (major: string, compatible: string[]): number[] => {
  const body = [...text(major), 0, 0, 0, 0, ...compatible.flatMap(text)];
  return [...u32(8 + body.length), ...text('ftyp'), ...body];
};
const riff = (form: string): number[] => [...text('RIFF'), 0x24, 0x08, 0, 0, ...text(form)];

export const samples = {
  jpeg: (size = 2048) => pad([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...text('JFIF'), 0], size),
  png: (size = 2048) => pad([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, ...text('IHDR')], size),
  webp: (size = 2048) => pad([...riff('WEBP'), ...text('VP8 ')], size),
  heic: (size = 2048) => pad(ftyp('heic', ['mif1', 'heic']), size),
  mp3Id3: (size = 2048) => pad([...text('ID3'), 4, 0, 0, 0, 0, 0, 0], size),
  mp3Frame: (size = 2048) => pad([0xff, 0xfb, 0x90, 0x64], size),
  aac: (size = 2048) => pad([0xff, 0xf1, 0x50, 0x80], size),
  amr: (size = 2048) => pad(text('#!AMR\n'), size),
  wav: (size = 2048) => pad([...riff('WAVE'), ...text('fmt ')], size),
  m4a: (size = 2048) => pad(ftyp('M4A ', ['M4A ', 'mp42', 'isom']), size),
  mp4: (size = 2048) => pad(ftyp('isom', ['isom', 'iso2', 'avc1', 'mp41']), size),
  mov: (size = 2048) => pad(ftyp('qt  ', ['qt  ']), size),
  oldMov: (size = 2048) => pad([0, 0, 0, 8, ...text('wide')], size),
  pdf: (size = 2048) => pad(text('%PDF-1.7\n'), size),
  html: (size = 2048) => pad(text('<!doctype html><script>alert(1)</script>'), size),
  gif: (size = 2048) => pad(text('GIF89a'), size),
};
