/**
 * A KMS call over the HTTPS listener carries CloudTrail's top-level `tlsDetails` as an S3 call does:
 * the record contents are the same for every service ("CloudTrail record contents for management,
 * data, and network activity events": `tlsDetails`, since 1.08, "Information about the Transport
 * Layer Security (TLS) version, cipher suites, and the fully qualified domain name (FQDN) of the
 * client-provided host name used in the service API call"). A call over plain HTTP has none.
 */

import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { connect } from 'node:tls';
import { LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/index.ts';
import { cloudTrailClient, kmsClient } from './helpers/cli.ts';

/** The protocol version and cipher a client trusting `ca` negotiates with the listener at `port`. */
async function negotiated(port: number, ca: string): Promise<{ version: string; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => {
      resolve({ version: socket.getProtocol() ?? '', cipher: socket.getCipher().name });
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('tlsDetails of a KMS call', () => {
  it('over the HTTPS listener names the TLS version, the cipher and the Host header sent; over HTTP there is none', async () => {
    const server = await startServer({ port: 0, https: { port: 0 } });
    const trail = cloudTrailClient(server.url);
    try {
      const https = server.https;
      if (https === undefined) throw new Error('no https listener');
      const ca = await readFile(https.certificate.path, 'utf8');
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
        const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateKey' }] }));
        const [overTls, overHttp] = (Events ?? []).map((event) => JSON.parse(event.CloudTrailEvent ?? '{}'));
        expect(overTls.requestParameters.description).toBe('secure');
        const { version, cipher } = await negotiated(https.port, ca);
        expect(overTls.tlsDetails).toEqual({ tlsVersion: version, cipherSuite: cipher, clientProvidedHostHeader: new URL(https.url).host });
        expect(overHttp).not.toHaveProperty('tlsDetails');
      } finally {
        secure.destroy();
        plain.destroy();
      }
    } finally {
      trail.destroy();
      await server.close();
    }
  });
});
