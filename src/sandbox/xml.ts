/** WeChat Pay v2's flat `<xml><k>v</k>…</xml>` documents. */
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
});

/** A flat record of the `<xml>` root's children, or null if the text is not such a document. */
export function parseXml(text: string): Record<string, string> | null {
  // the real gateway refuses DTDs (XXE); so do we
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return null;
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<xml[\s>]/.test(text)) return null;
  let doc: unknown;
  try {
    doc = parser.parse(text, true);
  } catch {
    return null;
  }
  if (typeof doc !== 'object' || doc === null) return null;
  const root = (doc as Record<string, unknown>)['xml'];
  if (root === '') return {};
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(root as Record<string, unknown>)) {
    if (k === '__proto__') continue;
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else if (v === null || v === undefined) out[k] = '';
    else return null; // nested or repeated elements: not a v2 document
  }
  return out;
}

function cdata(v: string): string {
  return `<![CDATA[${v.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

/** Serialise fields in order; digits travel bare, everything else in CDATA (as the gateway does). */
export function buildXml(fields: Readonly<Record<string, string | undefined>>): string {
  let out = '<xml>';
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out += `<${k}>${/^\d+$/.test(v) ? v : cdata(v)}</${k}>`;
  }
  return out + '</xml>';
}
