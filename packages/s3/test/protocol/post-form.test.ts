/**
 * The POST Object form parser: fields up to the file, the file streamed, what S3 ignores ignored,
 * and the malformed forms refused (a body cut short never ends as a shorter file).
 */

import { describe, expect, it } from 'vitest';
import { S3Error } from '../../src/errors.ts';
import { MAX_POST_PRE_DATA_BYTES, type PostFile, readPostForm } from '../../src/protocol/post-form.ts';

/** A FormData as a browser encodes it: its content type (with the boundary) and its bytes, in chunks of `chunk` bytes. */
async function encoded(form: FormData, chunk = 7): Promise<{ type: string; bytes: Uint8Array; body: AsyncIterable<Uint8Array> }> {
  const request = new Request('http://localhost/uploads', { method: 'POST', body: form });
  const bytes = new Uint8Array(await request.arrayBuffer());
  return { type: request.headers.get('content-type') as string, bytes, body: chunked(bytes, chunk) };
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

async function text(body: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function refusal(promise: Promise<unknown>): Promise<S3Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readPostForm', () => {
  it('reads the fields before the file in order, streams the file with its base name, and ignores what follows', async () => {
    const form = new FormData();
    form.append('key', 'user/$' + '{filename}');
    form.append('X-Amz-Meta-Note', 'hello');
    form.append('file', new Blob(['x'.repeat(50_000)]), 'C:\\docs\\report.pdf');
    form.append('x-amz-meta-after', 'ignored');
    form.append('file', new Blob(['second']), 'other.txt');
    const { type, body } = await encoded(form, 1000);
    const parsed = await readPostForm(type, body);
    expect(parsed.fields).toEqual([
      ['key', 'user/$' + '{filename}'],
      ['X-Amz-Meta-Note', 'hello'],
    ]);
    expect(parsed.file?.filename).toBe('report.pdf');
    expect(await text(parsed.file?.body ?? [])).toBe('x'.repeat(50_000));
  });

  it('has no file for a form without one, and no filename for a file sent as a plain field', async () => {
    const withoutFile = new FormData();
    withoutFile.append('key', 'k');
    const none = await encoded(withoutFile);
    expect((await readPostForm(none.type, none.body)).file).toBeUndefined();
    const asField = new FormData();
    asField.append('key', 'k');
    asField.append('file', 'text content');
    const field = await encoded(asField);
    const parsed = await readPostForm(field.type, field.body);
    expect(parsed.file?.filename).toBeUndefined();
    expect(await text(parsed.file?.body ?? [])).toBe('text content');
  });

  it('refuses more than 20 KB of fields before the file: 400 MaxPostPreDataLengthExceeded', async () => {
    const form = new FormData();
    form.append('key', 'k');
    form.append('x-amz-meta-big', 'a'.repeat(MAX_POST_PRE_DATA_BYTES));
    form.append('file', new Blob(['x']), 'f');
    const { type, body } = await encoded(form);
    const error = await refusal(readPostForm(type, body));
    expect([error.code, error.status, error.message, error.fields]).toEqual([
      'MaxPostPreDataLengthExceeded',
      400,
      'Your POST request fields preceeding the upload file was too large.',
      [['MaxPostPreDataLengthBytes', '20480']],
    ]);
  });

  it('counts the framing of the parts toward the 20 KB: any number of empty fields is refused, not kept', async () => {
    const boundary = 'B';
    const empty = `--${boundary}\r\nContent-Disposition: form-data; name=""\r\n\r\n\r\n`;
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nx\r\n--${boundary}--\r\n`;
    const bytes = Buffer.from(empty.repeat(MAX_POST_PRE_DATA_BYTES) + file);
    const error = await refusal(readPostForm(`multipart/form-data; boundary=${boundary}`, chunked(bytes, 1024)));
    expect([error.code, error.fields]).toEqual(['MaxPostPreDataLengthExceeded', [['MaxPostPreDataLengthBytes', '20480']]]);
  });

  it('counts the framing of empty fields that come in the same chunk as the file', async () => {
    const boundary = 'B';
    const empty = `--${boundary}\r\nContent-Disposition: form-data; name=""\r\n\r\n\r\n`;
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nx\r\n--${boundary}--\r\n`;
    const bytes = Buffer.from(empty.repeat(MAX_POST_PRE_DATA_BYTES) + file);
    const error = await refusal(readPostForm(`multipart/form-data; boundary=${boundary}`, chunked(bytes, bytes.length)));
    expect([error.code, error.fields]).toEqual(['MaxPostPreDataLengthExceeded', [['MaxPostPreDataLengthBytes', '20480']]]);
  });

  it('does not count the file toward the 20 KB, even when the whole form comes in one chunk', async () => {
    const form = new FormData();
    form.append('key', 'k');
    form.append('file', new Blob(['f'.repeat(4 * MAX_POST_PRE_DATA_BYTES)]), 'f');
    const { type, bytes } = await encoded(form);
    const read = await readPostForm(type, chunked(bytes, bytes.length));
    expect(await text((read.file as PostFile).body)).toBe('f'.repeat(4 * MAX_POST_PRE_DATA_BYTES));
  });

  it('fails the file when the body is cut short, instead of ending it early', async () => {
    const form = new FormData();
    form.append('key', 'k');
    form.append('file', new Blob(['y'.repeat(10_000)]), 'f');
    const { type, bytes } = await encoded(form);
    const parsed = await readPostForm(type, chunked(bytes.subarray(0, bytes.length - 200), 512));
    const error = await refusal(text(parsed.file?.body ?? []));
    expect(error.code).toBe('MalformedPOSTRequest');
  });

  it('answers a body that is not a form 412, and a form type without a boundary 400 MalformedPOSTRequest', async () => {
    const notForm = await refusal(readPostForm('text/plain', chunked(new Uint8Array(3), 1)));
    expect([notForm.code, notForm.status, notForm.fields]).toEqual([
      'PreconditionFailed',
      412,
      [['Condition', 'Bucket POST must be of the enclosure-type multipart/form-data']],
    ]);
    const noBoundary = await refusal(readPostForm('multipart/form-data', chunked(new Uint8Array(3), 1)));
    expect([noBoundary.code, noBoundary.status]).toEqual(['MalformedPOSTRequest', 400]);
  });
});

describe('readPostForm, a file reader that stops early', () => {
  it('stops pulling the request body once the form is discarded, and returns its iterator (its finally runs)', async () => {
    const boundary = 'bnd';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n`,
    );
    let finished!: (state: string) => void;
    const bodyFinished = new Promise<string>((resolve) => {
      finished = resolve;
    });
    let state = 'open';
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        yield head;
        // Far more than the parser buffers: without the stop, the pump waits on a drain that never comes.
        for (let sent = 0; sent < 64 * 1024 * 1024; sent += 65536) yield Buffer.alloc(65536, 0x61);
        yield Buffer.from(`\r\n--${boundary}--\r\n`);
        state = 'ended';
      } finally {
        finished(state === 'open' ? 'returned' : state);
      }
    }
    const form = await readPostForm(`multipart/form-data; boundary=${boundary}`, body());
    let size = 0;
    for await (const chunk of (form.file as PostFile).body) {
      size += chunk.length;
      // What PostObject's size check does past content-length-range's maximum.
      if (size > 1024) break;
    }
    form.discard();
    // Settles only if the pump let go of the body (the test times out otherwise).
    expect(await bodyFinished).toBe('returned');
  });
});
