/**
 * A GET naming two selectors (`GET /{bucket}?acl&policy`), over a real socket. S3 refuses it as it
 * refuses a write naming two: 400 InvalidArgument "Conflicting query string parameters: " and the
 * names sorted, `ArgumentName` `ResourceType` and `ArgumentValue` the first of them, before the
 * credential and the bucket (brekkylab/backlot `backlot/routers/s3.py`, `_read_refusal`,
 * `_conflict`, `_selected`, `_key_selected`, measured against S3 us-east-1 2026-09-29: "Two
 * selectors are the conflict before any credential is read: real answered seven such requests, at
 * a bucket and at a key, on a GET and a HEAD, and in a bucket that does not exist, with the 400
 * whether each was signed, unsigned, signed over a bad secret or sent with an unknown key";
 * "`?partNumber=1&tagging` is \"partNumber, tagging\""). Never the listing, a configuration or the
 * object's bytes.
 */

import { describe, expect, it } from 'vitest';
import { argued, openAndStrict, wireRefusal, wronglySigned } from '../helpers/wire.ts';

const conflict = (...names: string[]) => [400, 'InvalidArgument', `Conflicting query string parameters: ${names.join(', ')}`, argued('ResourceType', names[0])];

describe('a GET naming two selectors', () => {
  const endpoints = openAndStrict();

  it.each([
    ['/wire?acl&policy', ['acl', 'policy']],
    ['/wire?versioning&acl', ['acl', 'versioning']],
    ['/wire?uploads&versions', ['uploads', 'versions']],
    ['/wire?acl&delete', ['acl', 'delete']],
    ['/wire/k?tagging&acl', ['acl', 'tagging']],
    ['/wire/k?uploads&acl', ['acl', 'uploads']],
    ['/wire/k?partNumber=1&tagging', ['partNumber', 'tagging']],
    ['/no-such-bucket-here?policy&lifecycle&cors', ['cors', 'lifecycle', 'policy']],
  ])('GET %s: the conflict naming them sorted', async (path, names) => {
    expect(await wireRefusal(await fetch(`${endpoints.open.server.url}${path}`))).toEqual(conflict(...names));
  });

  it('unsigned or signed over a bad secret under strict authentication: the conflict, before the credential', async () => {
    const url = `${endpoints.strict.server.url}/wire?acl&policy`;
    expect({
      unsigned: await wireRefusal(await fetch(url)),
      badSecret: await wireRefusal(await fetch(url, { headers: await wronglySigned(url) })),
    }).toEqual({ unsigned: conflict('acl', 'policy'), badSecret: conflict('acl', 'policy') });
  });

  // backlot `_key_selected` (measured 2026-09-29): at a key, `annotationName` without `annotation`
  // is a selector of its own, "beside another selector it is the conflict (`acl, annotationName`),
  // before the credential and the bucket", as a HEAD's count already has it (head-subresources.ts).
  it('GET at a key naming annotationName, without annotation, beside a selector: the conflict naming both, before the credential', async () => {
    expect({
      acl: await wireRefusal(await fetch(`${endpoints.open.server.url}/wire/k?acl&annotationName=x`)),
      tagging: await wireRefusal(await fetch(`${endpoints.open.server.url}/wire/k?tagging&annotationName=x`)),
      unsigned: await wireRefusal(await fetch(`${endpoints.strict.server.url}/wire/k?acl&annotationName=x`)),
    }).toEqual({
      acl: conflict('acl', 'annotationName'),
      tagging: conflict('annotationName', 'tagging'),
      unsigned: conflict('acl', 'annotationName'),
    });
  });

  it('a GET naming partNumber alone, or one selector alone, is no conflict: each is served', async () => {
    await fetch(`${endpoints.open.server.url}/wire/served`, { method: 'PUT', body: 'kept' });
    const part = await fetch(`${endpoints.open.server.url}/wire/served?partNumber=1`);
    expect([part.status, await part.text()]).toEqual([206, 'kept']);
    const tagging = await fetch(`${endpoints.open.server.url}/wire/served?tagging`);
    expect(tagging.status).toBe(200);
  });
});
