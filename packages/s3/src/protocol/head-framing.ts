/**
 * @module
 * How S3 frames an answer to a HEAD other than an object's 200 or 206 (HeadObject's, which carry
 * the object's type and length): no body, `Content-Type: application/xml`,
 * `Transfer-Encoding: chunked`, no `Content-Length` and no header naming an error
 * (brekkylab/backlot, measured against S3 us-east-1 2026-09-29, twenty-two HEADs signed and
 * unsigned, `backlot/routers/s3.py` at commit 07bef4332838e4c4ee55118732a8ac1520f70d16, `_head`:
 * "Real sends each of them `Transfer-Encoding: chunked` with no `Content-Length`, and as
 * `application/xml` — the service root's 405, a bucket's 200, the 404s, a selector's 405 and the
 * conflict's 400, a 416 and the credential's 403s alike"). node:http writes no body for a HEAD
 * whatever the framing header says, and the edge leaves `Transfer-Encoding` off for an HTTP/1.0
 * client (the kernel's `writeNodeResponse`, RFC 9112 §6.1). UNCONFIRMED for the statuses no capture
 * names (a 412, a 500).
 */

/**
 * Frames a HEAD's answer that is not an object's (see the module), in place.
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { frameBodilessHead } from './src/protocol/head-framing.ts';
 * const headers: Record<string, string> = { 'content-length': '0' };
 * frameBodilessHead(headers); // headers: { 'content-type': 'application/xml', 'transfer-encoding': 'chunked' }
 * ```
 */
export function frameBodilessHead(headers: Record<string, string>): void {
  delete headers['content-length'];
  headers['content-type'] = 'application/xml';
  headers['transfer-encoding'] = 'chunked';
}
