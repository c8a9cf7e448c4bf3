/** WeChat Pay v2's wire format: flat `<xml>` documents of string fields, both ways. */
import type { XMLParser } from 'fast-xml-parser';
import { lazyModule } from '../../lazy-module';

export type Fields = Record<string, string>;

export function toXml(fields: Fields): string {
  let out = '<xml>';
  for (const [k, v] of Object.entries(fields)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TypeError(`bad XML field name ${k}`);
    out += /^[0-9A-Za-z_.-]*$/.test(v)
      ? `<${k}>${v}</${k}>`
      : `<${k}><![CDATA[${v.split(']]>').join(']]]]><![CDATA[>')}]]></${k}>`;
  }
  return `${out}</xml>`;
}

/** loaded at the first WeChat answer, not at start-up (src/main/lazy-module.ts) */
const xmlParser = lazyModule<{ XMLParser: typeof XMLParser }>('fast-xml-parser');
let made: XMLParser | undefined;
const parser = () =>
  (made ??= new (xmlParser().XMLParser)({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  }));

/** Parse a flat `<xml>…</xml>` document into string fields; throws with a reason otherwise. */
export function parseXml(text: string): Fields {
  const t = text.replace(/^\ufeff/, '').trim();
  if (/<!DOCTYPE|<!ENTITY/i.test(t)) throw new Error('XML with a DOCTYPE or ENTITY is refused');
  if (!/^(<\?xml[^>]*\?>\s*)?<xml>/.test(t)) throw new Error('not an <xml> document');
  let doc: unknown;
  try {
    doc = parser().parse(t, true);
  } catch (err) {
    throw new Error(`XML does not parse: ${(err as Error).message}`);
  }
  const root = (doc as Record<string, unknown>).xml;
  if (root === '' || root === undefined) return {};
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    throw new Error('<xml> is not a flat element list');
  const out: Fields = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (k === '#text') {
      if (typeof v === 'string' && v.trim() === '') continue;
      throw new Error('text directly inside <xml>');
    }
    if (typeof v !== 'string') throw new Error(`<${k}> is ${Array.isArray(v) ? 'repeated' : 'not a plain value'}`);
    out[k] = v;
  }
  return out;
}
