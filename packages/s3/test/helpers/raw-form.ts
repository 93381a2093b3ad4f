/**
 * POST forms (POST Object) written and sent by hand over node:http, for the suites that send what
 * no browser and no SDK sends: a form with an `Authorization` header, an empty one, a signed head.
 */

import { request as httpRequest } from 'node:http';

/** The content type of a form made by `formOf` (boundary `XB`). */
export const FORM_CONTENT_TYPE = 'multipart/form-data; boundary=XB';

/**
 * A form uploading `file` (as `a.txt`) to `key`, with nothing else in it.
 * @example sendRaw(port, 'POST', '/uploads', { 'content-type': FORM_CONTENT_TYPE }, formOf('k.txt', 'x'))
 */
export function formOf(key: string, file: string): string {
  return `--XB\r\nContent-Disposition: form-data; name="key"\r\n\r\n${key}\r\n--XB\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n${file}\r\n--XB--\r\n`;
}

/** An answer as it came: its status and its body's text. */
export interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * `body` sent whole to `path` on the loopback `port` with `headers` as given (its
 * `content-length` added unless `headers` names it, in lower case as here).
 */
export function sendRaw(port: number, method: string, path: string, headers: Record<string, string>, body: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const all = { 'content-length': String(Buffer.byteLength(body)), ...headers };
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers: all }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The `<Code>` of an error document, or undefined for a body that has none. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}
