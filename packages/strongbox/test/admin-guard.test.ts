/**
 * The admin API's guard against web pages, on request heads: which `Origin`/`Host` combinations
 * are refused (over HTTP in test/controls/admin.test.ts).
 */

import { describe, expect, it } from 'vitest';
import { crossSiteRefusal } from '../src/admin-guard.ts';

const head = (method: string, headers: Record<string, string>) => ({ method, path: '/_strongbox/reset', headers });

describe('crossSiteRefusal', () => {
  it.each([
    ['POST', { host: 'localhost:4566', origin: 'https://evil.example' }, true],
    ['DELETE', { host: '127.0.0.1:4566', origin: 'null' }, true],
    ['GET', { host: 'localhost:4566', origin: 'https://evil.example' }, false],
    ['POST', { host: 'localhost:4566' }, false],
    ['POST', {}, false],
    ['GET', { host: 'evil.example:4566' }, true],
    ['GET', { host: 'EVIL.example' }, true],
    ['GET', { host: '10.0.0.7:4566' }, false],
    ['GET', { host: '[::1]:4566' }, false],
    ['GET', { host: 'strongbox' }, false],
    ['GET', { host: 's3.strongbox.localhost:4566' }, false],
  ] as const)('%s %j → refused: %s', (method, headers, refused) => {
    expect(crossSiteRefusal(head(method, headers)) !== undefined).toBe(refused);
  });

  it("accepts the listener's configured --host name, and only that dotted name", () => {
    expect(crossSiteRefusal(head('POST', { host: 'box.example.lan:4566' }), 'box.example.lan')).toBeUndefined();
    expect(crossSiteRefusal(head('POST', { host: 'other.example.lan:4566' }), 'box.example.lan')?.message).toMatch(/refuses Host 'other\.example\.lan:4566'/);
  });
});
