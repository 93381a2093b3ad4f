/**
 * A server with an HTTPS listener beside its plain one, for the tests that read what a call over
 * TLS leaves in the trail: the listener, the CA its certificate is trusted by, a CloudTrail client,
 * and what a client trusting that CA negotiates with it.
 */

import { readFile } from 'node:fs/promises';
import { connect } from 'node:tls';
import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { type RunningHttps, type RunningServer, type ServerOptions, startServer } from '../../src/index.ts';
import { cloudTrailClient } from './cli.ts';

/** A running server with its HTTPS listener, the CA that trusts it, and a trail client. */
export interface HttpsTrail {
  readonly server: RunningServer;
  readonly https: RunningHttps;
  /** The PEM of the listener's certificate, to trust it by. */
  readonly ca: string;
  readonly trail: CloudTrailClient;
}

/**
 * Runs `body` against a fresh server started with `options` and an HTTPS listener on a free port,
 * then destroys the trail client and closes the server.
 * @example await withHttpsTrail({ s3DataEvents: true }, async ({ https, ca, trail }) => { … });
 */
export async function withHttpsTrail(options: ServerOptions, body: (served: HttpsTrail) => Promise<void>): Promise<void> {
  const server = await startServer({ ...options, port: 0, https: { port: 0 } });
  const trail = cloudTrailClient(server.url);
  try {
    const https = server.https;
    if (https === undefined) throw new Error('no https listener');
    const ca = await readFile(https.certificate.path, 'utf8');
    await body({ server, https, ca, trail });
  } finally {
    trail.destroy();
    await server.close();
  }
}

/** The trail's records of calls named `eventName`, newest first, each parsed from its JSON. */
// biome-ignore lint/suspicious/noExplicitAny: a CloudTrail record is read field by field in the tests.
export async function recordsOf(trail: CloudTrailClient, eventName: string): Promise<any[]> {
  const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }] }));
  return (Events ?? []).map((event) => JSON.parse(event.CloudTrailEvent ?? '{}'));
}

/** The protocol version and cipher a client trusting `ca` negotiates with the listener at `port`. */
export async function negotiated(port: number, ca: string): Promise<{ version: string; cipher: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => {
      resolve({ version: socket.getProtocol() ?? '', cipher: socket.getCipher().name });
      socket.end();
    });
    socket.on('error', reject);
  });
}
