import { describe, expect, it } from 'vitest';
import { admitBlob } from './policy.ts';
import { sniffMediaType } from './sniff.ts';
import { samples } from './testing/samples.ts';

describe('content sniffing (magic bytes)', () => {
  it.each([
    ['jpeg', samples.jpeg(), 'image/jpeg'],
    ['png', samples.png(), 'image/png'],
    ['webp', samples.webp(), 'image/webp'],
    ['heic', samples.heic(), 'image/heic'],
    ['mp3 with ID3', samples.mp3Id3(), 'audio/mpeg'],
    ['mp3 frame', samples.mp3Frame(), 'audio/mpeg'],
    ['aac (ADTS)', samples.aac(), 'audio/aac'],
    ['amr', samples.amr(), 'audio/amr'],
    ['wav', samples.wav(), 'audio/wav'],
    ['m4a', samples.m4a(), 'audio/mp4'],
    ['mp4', samples.mp4(), 'video/mp4'],
    ['mov', samples.mov(), 'video/quicktime'],
    ['old mov without ftyp', samples.oldMov(), 'video/quicktime'],
    ['pdf', samples.pdf(), undefined],
    ['html', samples.html(), undefined],
    ['gif', samples.gif(), undefined],
    ['tiny', new Uint8Array([0xff]), undefined],
  ])('%s → %s', (_name, bytes, expected) => {
    expect(sniffMediaType(bytes)).toBe(expected);
  });
});

describe('admitting a blob', () => {
  it('accepts content that is what it claims, with browser spellings of the type', () => {
    expect(admitBlob(samples.jpeg(), 'image/jpg')).toBe('image/jpeg');
    expect(admitBlob(samples.m4a(), 'audio/x-m4a; codecs=mp4a')).toBe('audio/mp4');
    expect(admitBlob(samples.mp4(), 'audio/mp4')).toBe('audio/mp4'); // voice note in a generic MP4 container
    expect(admitBlob(samples.mov(), 'video/quicktime')).toBe('video/quicktime');
  });

  it('refuses a type that is not allowed, naming it (415)', () => {
    expect(() => admitBlob(samples.pdf(), 'application/pdf')).toThrow(expect.objectContaining({ code: 'BLOB_TYPE_NOT_ALLOWED', status: 415 }));
    expect(() => admitBlob(samples.gif(), 'image/gif')).toThrow(expect.objectContaining({ code: 'BLOB_TYPE_NOT_ALLOWED' }));
  });

  it('refuses content that does not match the declared type (an HTML page named photo.jpg)', () => {
    expect(() => admitBlob(samples.html(), 'image/jpeg')).toThrow(
      expect.objectContaining({ code: 'BLOB_CONTENT_MISMATCH', details: expect.objectContaining({ declared: 'image/jpeg', actual: null }) }),
    );
    expect(() => admitBlob(samples.png(), 'image/jpeg')).toThrow(expect.objectContaining({ code: 'BLOB_CONTENT_MISMATCH' }));
    expect(() => admitBlob(samples.mp4(), 'image/png')).toThrow(expect.objectContaining({ code: 'BLOB_CONTENT_MISMATCH' }));
  });

  it('every refusal carries its English text (details.en) beside the Chinese message', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error as { message: string; details: Record<string, unknown> };
      }
      throw new Error('admitted');
    };
    for (const error of [
      refusal(() => admitBlob(samples.pdf(), 'application/pdf')),
      refusal(() => admitBlob(new Uint8Array(0), 'image/png')),
      refusal(() => admitBlob(samples.jpeg(4097), 'image/jpeg', { image: 4096, audio: 4096, video: 4096 })),
      refusal(() => admitBlob(samples.html(), 'image/png')),
    ]) {
      expect(error.message).toMatch(/[\u4e00-\u9fff]/);
      expect(error.details['en']).toEqual(expect.any(String));
      expect(error.details['en']).not.toMatch(/[\u3400-\u9fff]/);
    }
  });

  it('applies the size limit of the kind, configurable, before sniffing (413)', () => {
    const limits = { image: 4096, audio: 8192, video: 16384 };
    expect(admitBlob(samples.jpeg(4096), 'image/jpeg', limits)).toBe('image/jpeg');
    expect(() => admitBlob(samples.jpeg(4097), 'image/jpeg', limits)).toThrow(
      expect.objectContaining({ code: 'BLOB_TOO_LARGE', status: 413, details: expect.objectContaining({ limit: 4096 }) }),
    );
    expect(admitBlob(samples.mp4(16384), 'video/mp4', limits)).toBe('video/mp4');
    expect(() => admitBlob(samples.mp4(16385), 'video/mp4', limits)).toThrow(expect.objectContaining({ code: 'BLOB_TOO_LARGE' }));
    // Defaults: 10 MB for images.
    expect(() => admitBlob(samples.jpeg(10 * 1024 * 1024 + 1), 'image/jpeg')).toThrow(expect.objectContaining({ code: 'BLOB_TOO_LARGE' }));
  });

  it('refuses an empty file', () => {
    expect(() => admitBlob(new Uint8Array(), 'image/png')).toThrow(expect.objectContaining({ code: 'BLOB_EMPTY' }));
  });
});
