/**
 * Opening a .docx in tests: it is a zip of XML parts. `unpackDocx` unzips it (fflate), checks every
 * XML part is well-formed (fast-xml-parser's validator), and gives the body text and the images the
 * document references, so a test can assert what an official will see in Word or WPS.
 */
import { XMLValidator } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';

export interface UnpackedDocx {
  /** Every part of the package by its path ('word/document.xml', 'word/media/image1.png', …). */
  readonly parts: ReadonlyMap<string, Uint8Array>;
  readonly documentXml: string;
  /** The text of every run (w:t) of the body, paragraphs joined by newlines, XML entities decoded. */
  readonly text: string;
  /** Media parts ('word/media/….png') that word/document.xml references through its relationships. */
  readonly referencedImages: readonly string[];
}

const decode = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

export const unpackDocx = (bytes: Uint8Array): UnpackedDocx => {
  const parts = new Map(Object.entries(unzipSync(bytes)));
  for (const required of ['[Content_Types].xml', 'word/document.xml', 'word/_rels/document.xml.rels']) {
    if (!parts.has(required)) throw new Error(`the .docx has no ${required}`);
  }
  for (const [path, data] of parts) {
    if (!/\.(xml|rels)$/.test(path)) continue;
    const result = XMLValidator.validate(strFromU8(data));
    if (result !== true) throw new Error(`${path} is not well-formed XML: ${JSON.stringify(result.err)}`);
  }
  const documentXml = strFromU8(parts.get('word/document.xml')!);
  const text = documentXml
    .split(/<\/w:p>/)
    .map((paragraph) =>
      [...paragraph.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decode(m[1]!)).join(''),
    )
    .filter((line) => line.length > 0)
    .join('\n');
  const rels = strFromU8(parts.get('word/_rels/document.xml.rels')!);
  const targets = new Map(
    [...rels.matchAll(/<Relationship\s[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]),
  );
  const referencedImages = [...documentXml.matchAll(/<a:blip\s[^>]*?r:embed="([^"]+)"/g)]
    .map((m) => targets.get(m[1]!))
    .filter((target): target is string => target !== undefined)
    .map((target) => (target.startsWith('/') ? target.slice(1) : `word/${target}`));
  return { parts, documentXml, text, referencedImages };
};
