/**
 * A KMS call over the HTTPS listener carries CloudTrail's top-level `tlsDetails` as an S3 call does:
 * the record contents are the same for every service ("CloudTrail record contents for management,
 * data, and network activity events": `tlsDetails`, since 1.08, "Information about the Transport
 * Layer Security (TLS) version, cipher suites, and the fully qualified domain name (FQDN) of the
 * client-provided host name used in the service API call"). A call over plain HTTP has none.
 */

import { Agent } from 'node:https';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { kmsClient } from './helpers/cli.ts';
import { negotiated, recordsOf, withHttpsTrail } from './helpers/https-trail.ts';

describe('tlsDetails of a KMS call', () => {
  it('over the HTTPS listener names the TLS version, the cipher and the Host header sent; over HTTP there is none', async () => {
    await withHttpsTrail({}, async ({ server, https, ca, trail }) => {
      const secure = new KMSClient({
        endpoint: https.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
        requestHandler: { httpsAgent: new Agent({ ca }) },
      });
      const plain = kmsClient(server.url);
      try {
        await plain.send(new CreateKeyCommand({ Description: 'plain' }));
        await secure.send(new CreateKeyCommand({ Description: 'secure' }));
        const [overTls, overHttp] = await recordsOf(trail, 'CreateKey');
        expect(overTls.requestParameters.description).toBe('secure');
        const { version, cipher } = await negotiated(https.port, ca);
        expect(overTls.tlsDetails).toEqual({ tlsVersion: version, cipherSuite: cipher, clientProvidedHostHeader: new URL(https.url).host });
        expect(overHttp).not.toHaveProperty('tlsDetails');
      } finally {
        secure.destroy();
        plain.destroy();
      }
    });
  });
});
