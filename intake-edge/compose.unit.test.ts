import { describe, expect, it } from 'vitest';
import { createLocalBlobStore } from '../core/blobs/local.node.ts';
import { composeIntake } from './compose.ts';

describe('the intake composition root', () => {
  it('stops on a PORT that is not a port number, naming it, before it connects to anything', () => {
    const blobs = createLocalBlobStore({ root: '/nonexistent' });
    for (const port of ['abc', '0', '65536', '80.5', ' 8080']) {
      expect(() => composeIntake({ PORT: port }, { blobs }), port).toThrow(`PORT must be a port number (1–65535), not "${port}"`);
    }
    // A good PORT passes that check; the next missing variable is named.
    expect(() => composeIntake({ PORT: '8787' }, { blobs })).toThrow(/PINGGAI_DATABASE_URL/);
  });
});
