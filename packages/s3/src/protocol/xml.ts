/**
 * @module
 * S3's XML bodies (smithy `restXml`), parsed and written with `fast-xml-parser` from an
 * operation's declared shapes (`binding.ts`). Parsing refuses what S3 refuses: a document that is
 * not well-formed, a DOCTYPE (S3 accepts no DTD, and refusing it keeps entity expansion off:
 * only XML's predefined and numeric character references are decoded), or a root other than the
 * expected one, all as 400 `MalformedXML`. Writing escapes text and adds S3's namespace to the root.
 */

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from '../errors.ts';
import type { XmlList, XmlShape, XmlStructure } from './binding.ts';

/** S3's XML namespace (every result document's root carries it). */
export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  // Values stay strings: the shape decides what is a number or a boolean.
  parseTagValue: false,
  // Keys may start or end with spaces (DeleteObjects): text is kept as sent.
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Character references (`&#x0A;`, which the SDK writes for a newline in a key) and the
  // predefined entities; DOCTYPE entities never arrive (refused above).
  htmlEntities: true,
  processEntities: true,
});

/**
 * Parses an XML request body against its shape into the SDK's member names.
 * @throws S3Error MalformedXML for a document that is not well-formed, has a DOCTYPE, or another root.
 * @example parseXml('<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>', 'CreateBucketConfiguration', shape)
 */
export function parseXml(text: string, root: string, shape: XmlStructure): Record<string, unknown> {
  if (/<!DOCTYPE/i.test(text) || XMLValidator.validate(text) !== true) throw new S3Error('MalformedXML');
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (error) {
    throw new S3Error('MalformedXML', { cause: error });
  }
  const top = (document as Record<string, unknown>)[root];
  if (top === undefined) throw new S3Error('MalformedXML');
  return decodeStructure(top === '' ? {} : top, shape);
}

function decodeStructure(node: unknown, shape: XmlStructure): Record<string, unknown> {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new S3Error('MalformedXML');
  const element = node as Record<string, unknown>;
  // Member names come from the shape, values from the document: no prototype setter is reachable.
  const out = Object.create(null) as Record<string, unknown>;
  for (const [member, { shape: memberShape, name }] of Object.entries(shape.members)) {
    const value = Object.hasOwn(element, name ?? member) ? element[name ?? member] : undefined;
    if (value === undefined) continue;
    out[member] = decodeValue(value, memberShape);
  }
  return out;
}

function decodeValue(value: unknown, shape: XmlShape): unknown {
  if (typeof shape === 'object' && shape.kind === 'list') return decodeList(value, shape);
  if (Array.isArray(value)) throw new S3Error('MalformedXML');
  if (typeof shape === 'object') return decodeStructure(value === '' ? {} : value, shape);
  if (typeof value !== 'string') throw new S3Error('MalformedXML');
  switch (shape) {
    case 'string':
      return value;
    case 'integer': {
      if (!/^-?\d+$/.test(value.trim())) throw new S3Error('MalformedXML');
      return Number(value.trim());
    }
    case 'boolean': {
      const text = value.trim();
      if (text !== 'true' && text !== 'false') throw new S3Error('MalformedXML');
      return text === 'true';
    }
    case 'timestamp': {
      const time = Date.parse(value.trim());
      if (Number.isNaN(time)) throw new S3Error('MalformedXML');
      return new Date(time);
    }
  }
}

function decodeList(value: unknown, shape: XmlList): unknown[] {
  if (shape.flattened === true) return (Array.isArray(value) ? value : [value]).map((item) => decodeValue(item, shape.member));
  if (value === '') return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new S3Error('MalformedXML');
  const items = (value as Record<string, unknown>)[shape.memberName ?? 'member'];
  if (items === undefined) return [];
  return (Array.isArray(items) ? items : [items]).map((item) => decodeValue(item, shape.member));
}

/**
 * Writes a response document: the declaration, then `root` (with S3's namespace) holding the
 * members of `value` that `shape` declares, in the shape's order.
 * @example writeXml('LocationConstraint', rootText, { LocationConstraint: 'eu-west-1' })
 */
export function writeXml(root: string, shape: XmlStructure, value: Readonly<Record<string, unknown>>): string {
  return `${DECLARATION}<${root} xmlns="${S3_NAMESPACE}">${encodeMembers(shape, value)}</${root}>`;
}

/**
 * Writes a document whose root element's text is one member (GetBucketLocation's
 * `<LocationConstraint>`, empty for us-east-1).
 * @example writeRootText('LocationConstraint', 'eu-west-1')
 */
export function writeRootText(root: string, text: string | undefined): string {
  return `${DECLARATION}<${root} xmlns="${S3_NAMESPACE}">${text === undefined ? '' : escapeText(text)}</${root}>`;
}

/**
 * An S3 error document (`noErrorWrapping`: `<Error>` is the root): code, message, the extra
 * elements in order, request id and host id.
 * @example errorXml('NoSuchKey', 'The specified key does not exist.', [['Key', 'a']], 'ID', 'HOST')
 */
export function errorXml(code: string, message: string, fields: readonly (readonly [string, string])[], requestId: string, hostId: string): string {
  let body = `${DECLARATION}<Error><Code>${escapeText(code)}</Code><Message>${escapeText(message)}</Message>`;
  for (const [name, value] of fields) body += `<${name}>${escapeText(value)}</${name}>`;
  return `${body}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
}

function encodeMembers(shape: XmlStructure, value: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const [member, { shape: memberShape, name }] of Object.entries(shape.members)) {
    const item = value[member];
    if (item === undefined || item === null) continue;
    out += encodeElement(name ?? member, memberShape, item);
  }
  return out;
}

function encodeElement(name: string, shape: XmlShape, value: unknown): string {
  if (typeof shape === 'object' && shape.kind === 'list') {
    const items = Array.isArray(value) ? value : [];
    if (shape.flattened === true) return items.map((item) => encodeElement(name, shape.member, item)).join('');
    const memberName = shape.memberName ?? 'member';
    return `<${name}>${items.map((item) => encodeElement(memberName, shape.member, item)).join('')}</${name}>`;
  }
  if (typeof shape === 'object') return `<${name}>${encodeMembers(shape, value as Record<string, unknown>)}</${name}>`;
  return `<${name}>${escapeText(scalarText(shape, value))}</${name}>`;
}

/** A scalar as S3 writes it: booleans lowercase, timestamps ISO 8601 with milliseconds. */
function scalarText(shape: 'string' | 'integer' | 'boolean' | 'timestamp', value: unknown): string {
  if (shape === 'timestamp') return value instanceof Date ? value.toISOString() : new Date(value as number | string).toISOString();
  return String(value);
}

/**
 * Escapes text for an element: `&`, `<`, `>`, quotes, and the characters XML would otherwise
 * normalise away (CR, and the control characters keys may hold), as character references.
 */
export function escapeText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be escaped (S3 keys may hold them).
  return text.replace(/[&<>"'\r\n\t\u0085\u2028]|[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (char) => {
    switch (char) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#x${(char.codePointAt(0) ?? 0).toString(16).toUpperCase()};`;
    }
  });
}
