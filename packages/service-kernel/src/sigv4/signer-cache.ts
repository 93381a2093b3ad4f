/**
 * @module
 * The signers that re-sign header-form requests, one per access key, secret, credential scope and
 * path escaping: a `@smithy/signature-v4` signer keeps the signing key it derives (four HMACs) for
 * the day, which a signer made per request would derive again for every request.
 */

import { Hash } from '@smithy/hash-node';
import type { Scope } from './credential-scope.ts';
import { SCOPE_CACHE_LIMIT } from './credential-scope.ts';
import { ExplainingSignatureV4 } from './explain.ts';

/** Signers by access key, secret, scope and path escaping; forgotten all at once past `SCOPE_CACHE_LIMIT`. */
export class SignerCache {
  readonly #signers = new Map<string, ExplainingSignatureV4>();

  get(scope: Scope, secretAccessKey: string, uriEscapePath: boolean): ExplainingSignatureV4 {
    // The secret is part of the key: a user whose secret changes gets a new signer.
    const key = `${scope.accessKeyId}\n${scope.region}\n${scope.service}\n${uriEscapePath}\n${secretAccessKey}`;
    let signer = this.#signers.get(key);
    if (signer === undefined) {
      if (this.#signers.size >= SCOPE_CACHE_LIMIT) this.#signers.clear();
      signer = signerFor(scope, secretAccessKey, uriEscapePath);
      this.#signers.set(key, signer);
    }
    return signer;
  }
}

function signerFor(scope: Scope, secretAccessKey: string, uriEscapePath: boolean): ExplainingSignatureV4 {
  return new ExplainingSignatureV4({
    service: scope.service,
    region: scope.region,
    credentials: { accessKeyId: scope.accessKeyId, secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    // The client decides which headers it signed; the signer must neither add nor drop any.
    applyChecksum: false,
    uriEscapePath,
  });
}
