/**
 * The selectors' `Allow` against the operations Strongbox routes, for every write method: a method
 * named in the `Allow` of a selector's 405 is one of the selector's operations (served, or
 * Strongbox's 501 for one it does not serve), and a method it does not name is that 405; no write
 * naming a selector is served as the bare path's operation (DeleteBucket, PutObject). The
 * selectors are the ones S3's write refusals were measured for (brekkylab/backlot
 * `backlot/routers/s3.py`, `_BUCKET_WRITE_SELECTORS`, `_OBJECT_WRITE_SELECTORS`, measured against S3
 * us-east-1 2026-09-23: "a selector, a method it lacks | 405 MethodNotAllowed naming the selector's
 * own resource type").
 */

import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/index.ts';
import { OPERATIONS } from '../../src/operations/index.ts';
import type { OperationDefinition } from '../../src/operations/types.ts';
import { RouteTable } from '../../src/protocol/routes.ts';
import { claims } from '../../src/protocol/subresources.ts';

const ROUTES = new RouteTable(Object.values(OPERATIONS) as OperationDefinition[]);
const WRITES = ['PUT', 'POST', 'DELETE', 'PATCH'] as const;

/** backlot's measured selectors, by path (its tables' keys). */
const SELECTORS = {
  bucket: [
    'abac',
    'accelerate',
    'acl',
    'analytics',
    'cors',
    'delete',
    'encryption',
    'intelligent-tiering',
    'inventory',
    'lifecycle',
    'location',
    'logging',
    'metadataConfiguration',
    'metadataTable',
    'metrics',
    'notification',
    'object-lock',
    'ownershipControls',
    'policy',
    'policyStatus',
    'publicAccessBlock',
    'replication',
    'requestPayment',
    'tagging',
    'uploads',
    'versioning',
    'versions',
    'website',
  ],
  object: ['acl', 'annotation', 'attributes', 'legal-hold', 'restore', 'retention', 'select', 'tagging', 'torrent', 'uploadId=u', 'partNumber=1&uploadId=u'],
} as const;

/** How the table answers `method` at `target` with `search`: the operation, or the error's status and Allow. */
function outcome(
  method: string,
  target: 'bucket' | 'object',
  search: string,
): { operation: OperationDefinition } | { status: number; allow?: string; resourceType?: string } {
  const query = new Map(new URLSearchParams(search));
  try {
    ROUTES.refuseBeforeCredential({ method, target, query, headers: {} });
    return { operation: ROUTES.resolve({ method, target, query, headers: {} }) };
  } catch (error) {
    if (!(error instanceof S3Error)) throw error;
    const resourceType = error.fields?.find(([name]) => name === 'ResourceType')?.[1];
    return { status: error.status, ...(error.allow === undefined ? {} : { allow: error.allow }), ...(resourceType === undefined ? {} : { resourceType }) };
  }
}

describe("a selector's Allow and the operations routed for it", () => {
  it("for every write: a method the 405 names is the selector's operation (served or 501), any other the selector's 405, never the bare path's", () => {
    const disagreements: string[] = [];
    for (const target of ['bucket', 'object'] as const) {
      for (const search of SELECTORS[target]) {
        const selector = (search.startsWith('partNumber') ? 'partNumber' : search.split('=')[0]) as string;
        const answers = WRITES.map((method) => [method, outcome(method, target, search)] as const);
        const allow = answers.map(([, answer]) => ('allow' in answer ? answer.allow : undefined)).find((value) => value !== undefined);
        const named = new Set(allow?.split(', '));
        for (const [method, answer] of answers) {
          const served = 'operation' in answer;
          if (served && !claims(answer.operation.rest, selector)) disagreements.push(`${method} ${target} ?${search}: served as ${answer.operation.name}`);
          const selectors = served || ('status' in answer && answer.status === 501);
          const refused = 'status' in answer && answer.status === 405;
          if (refused && (answer.resourceType === 'BUCKET' || answer.resourceType === 'OBJECT'))
            disagreements.push(`${method} ${target} ?${search}: the path's 405`);
          if (!selectors && !refused) disagreements.push(`${method} ${target} ?${search}: ${JSON.stringify(answer)}`);
          if (allow !== undefined && named.has(method) !== selectors)
            disagreements.push(`${method} ${target} ?${search}: Allow ${allow}, ${JSON.stringify(served ? answer.operation.name : answer)}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
