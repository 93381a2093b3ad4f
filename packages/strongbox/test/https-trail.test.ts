/**
 * What an S3 call over the HTTPS listener leaves in the trail, read back with CloudTrail
 * LookupEvents: `additionalEventData` names the negotiated cipher as `CipherSuite` (OpenSSL's name,
 * as CloudTrail writes it: `"CipherSuite": "TLS_AES_128_GCM_SHA256"` in a captured presigned
 * PutObject data event, TryHackMe AoC 2024 day 7 log; `"ECDHE-RSA-AES128-GCM-SHA256"` in the
 * aws-cdk PutObject capture), beside how the call was signed and the `x-amz-id-2` it was answered
 * with. Over plain HTTP there is no cipher to name. The record's top-level `tlsDetails` names the
 * version, the cipher and the Host header sent (the same TryHackMe capture: `"tlsDetails":
 * {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader":
 * "s3.ap-southeast-1.amazonaws.com"}`); a call over plain HTTP has none.
 */

import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { s3Client } from './helpers/cli.ts';
import { negotiated, recordsOf, withHttpsTrail } from './helpers/https-trail.ts';

describe('S3 calls over the HTTPS listener in the trail', () => {
  it('record the negotiated cipher as CipherSuite; calls over HTTP record none', async () => {
    await withHttpsTrail({ s3DataEvents: true }, async ({ server, https, ca, trail }) => {
      const secure = s3Client(https.url, ca);
      const plain = s3Client(server.url);
      try {
        await secure.send(new CreateBucketCommand({ Bucket: 'ciphers' }));
        const put = await secure.send(new PutObjectCommand({ Bucket: 'ciphers', Key: 'k', Body: 'x' }));
        await plain.send(new PutObjectCommand({ Bucket: 'ciphers', Key: 'plain', Body: 'x' }));
        const [overHttp, overTls] = (await recordsOf(trail, 'PutObject')).map((record) => record.additionalEventData);
        expect(overTls).toEqual({
          SignatureVersion: 'SigV4',
          CipherSuite: (await negotiated(https.port, ca)).cipher,
          bytesTransferredIn: 1,
          SSEApplied: 'Default_SSE_S3',
          AuthenticationMethod: 'AuthHeader',
          'x-amz-id-2': put.$metadata.extendedRequestId,
          bytesTransferredOut: 0,
        });
        expect(overHttp).not.toHaveProperty('CipherSuite');
        expect(overHttp).toMatchObject({ SignatureVersion: 'SigV4', AuthenticationMethod: 'AuthHeader' });
      } finally {
        secure.destroy();
        plain.destroy();
      }
    });
  });
});

describe('tlsDetails of an S3 call', () => {
  it('over the HTTPS listener names the TLS version, the cipher and the Host header sent; over HTTP there is none', async () => {
    await withHttpsTrail({ s3DataEvents: true }, async ({ server, https, ca, trail }) => {
      const secure = s3Client(https.url, ca);
      const plain = s3Client(server.url);
      try {
        await secure.send(new CreateBucketCommand({ Bucket: 'details' }));
        await secure.send(new PutObjectCommand({ Bucket: 'details', Key: 'k', Body: 'x' }));
        await plain.send(new PutObjectCommand({ Bucket: 'details', Key: 'plain', Body: 'x' }));
        const [overHttp, overTls] = await recordsOf(trail, 'PutObject');
        const { version, cipher } = await negotiated(https.port, ca);
        expect(overTls.tlsDetails).toEqual({ tlsVersion: version, cipherSuite: cipher, clientProvidedHostHeader: new URL(https.url).host });
        expect(overTls.requestParameters.Host).toBe(overTls.tlsDetails.clientProvidedHostHeader);
        expect(overHttp).not.toHaveProperty('tlsDetails');
      } finally {
        secure.destroy();
        plain.destroy();
      }
    });
  });
});
