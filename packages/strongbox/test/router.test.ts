/**
 * `createProtocolRouter`, the in-process endpoint's dispatch: the chosen service's answer handed
 * back as it is, and a failure while choosing or calling a service a rejection, never a throw; and
 * both routers' answer to a request signed for a service no route serves (unserved.ts).
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { HttpResponse, StreamingRequest, StreamingResponse } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createProtocolRouter, createRouter, type ProtocolRoute, predicateRoute, targetRoute, untargetedRoute } from '../src/router.ts';
import { isStsRequest } from '../src/sts.ts';
import { signedServices, unservedAnswer, unservedProtocol } from '../src/unserved.ts';

const request = (headers: Record<string, string>): StreamingRequest => ({ method: 'POST', path: '/', headers, body: (async function* () {})() });
const answer: StreamingResponse = { status: 200, headers: {}, body: 'untargeted' };

describe('createProtocolRouter', () => {
  it('hands back the untargeted service’s own promise for a request without X-Amz-Target', async () => {
    const promise = Promise.resolve(answer);
    const router = createProtocolRouter([], { service: 'S3', signingName: 's3', handler: () => promise });
    const routed = router(request({}));
    expect(routed).toBe(promise);
    expect(await routed).toBe(answer);
  });

  it('rejects, rather than throws, when a route’s test or the chosen handler throws', async () => {
    const failure = new Error('boom');
    const throwingTest = createProtocolRouter([
      {
        service: 'STS',
        signingName: 'sts',
        prefixes: [],
        matches: () => {
          throw failure;
        },
        handler: async () => ({ status: 200, headers: {}, body: '' }),
      },
    ]);
    const throwingHandler = createProtocolRouter([], {
      service: 'S3',
      signingName: 's3',
      handler: () => {
        throw failure;
      },
    });
    for (const router of [throwingTest, throwingHandler]) {
      let routed: Promise<StreamingResponse> | undefined;
      expect(() => {
        routed = router(request({}));
      }).not.toThrow();
      await expect(routed).rejects.toBe(failure);
    }
  });

  it('answers a target no route serves with UnknownOperationException, as a promise', async () => {
    const router = createProtocolRouter([], { service: 'S3', signingName: 's3', handler: async () => answer });
    const routed = router(request({ 'x-amz-target': 'DynamoDB_20120810.ListTables' }));
    expect(routed).toBeInstanceOf(Promise);
    const response = await routed;
    expect(response.status).toBe(400);
    expect(JSON.parse(String(response.body))).toMatchObject({ __type: 'UnknownOperationException' });
  });
});

describe('requests signed for a service the endpoint does not serve', () => {
  const routes: ProtocolRoute[] = [
    { service: 'KMS', signingName: 'kms', prefixes: ['TrentService.'], handler: async () => ({ status: 200, headers: {}, body: 'kms' }) },
    {
      service: 'STS GetCallerIdentity',
      signingName: 'sts',
      prefixes: [],
      matches: isStsRequest,
      handler: async () => ({ status: 200, headers: {}, body: 'sts' }),
    },
  ];
  const s3Answer: StreamingResponse = { status: 200, headers: {}, body: 's3' };
  const router = createProtocolRouter(routes, { service: 'S3', signingName: 's3', handler: async () => s3Answer });
  const signedFor = (service: string) =>
    `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00`;
  const sent = (method: string, path: string, headers: Record<string, string>): StreamingRequest => ({
    method,
    path,
    headers,
    body: (async function* () {})(),
  });
  const lowerCased = (headers: Readonly<Record<string, string>>): Record<string, string> =>
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  /** The message of an unserved answer, from its XML `<Message>` or its JSON `message`. */
  const messageOf = (response: { readonly body?: unknown }): string => {
    const body = String(response.body);
    if (!body.startsWith('<')) return JSON.parse(body).message;
    const escaped = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '';
    return escaped.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
  };

  it('answers Query requests (form-encoded POST, Action in the URL) and REST-XML ones (Route 53) in <ErrorResponse> XML', async () => {
    for (const [service, request] of [
      ['sqs', sent('POST', '/', { authorization: signedFor('sqs'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })],
      ['sqs', sent('GET', '/?Action=ListQueues&Version=2012-11-05', { authorization: signedFor('sqs') })],
      ['route53', sent('GET', '/2013-04-01/hostedzone', { authorization: signedFor('route53') })],
    ] as const) {
      const response = await router(request);
      expect([service, response.status, response.headers['Content-Type'], response.headers['X-Amzn-Errortype']]).toEqual([service, 400, 'text/xml', undefined]);
      const body = String(response.body);
      expect(body).toMatch(
        /^<ErrorResponse>\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>UnknownService<\/Code>\s*<Message>[^<]+<\/Message>\s*<\/Error>\s*<RequestId>[-0-9a-f]{36}<\/RequestId>\s*<\/ErrorResponse>\s*$/,
      );
      expect(body).toContain(`signed for service &#39;${service}&#39;; it serves KMS, STS GetCallerIdentity, S3.`);
    }
  });

  it('answers REST-JSON requests (Lambda) and AWS JSON ones in JSON with X-Amzn-Errortype', async () => {
    for (const [service, request] of [
      ['lambda', sent('GET', '/2015-03-31/functions/', { authorization: signedFor('lambda') })],
      ['dynamodb', sent('POST', '/', { authorization: signedFor('dynamodb'), 'content-type': 'application/x-amz-json-1.0' })],
    ] as const) {
      const response = await router(request);
      expect([service, response.status, response.headers['Content-Type'], response.headers['X-Amzn-Errortype']]).toEqual([
        service,
        400,
        'application/json',
        'UnknownService',
      ]);
      expect(JSON.parse(String(response.body))).toEqual({
        __type: 'UnknownService',
        message: `No service on this endpoint handles requests signed for service '${service}'; it serves KMS, STS GetCallerIdentity, S3.`,
      });
    }
  });

  // REST-JSON operations whose payload is the caller's own bytes send the caller's content type
  // (botocore models: sagemaker-runtime InvokeEndpoint, cloudsearchdomain UploadDocuments with
  // `application/xml`, mediastore-data PutObject, appconfig CreateHostedConfigurationVersion): the
  // CLI reads the code from X-Amzn-Errortype or a JSON body, and prints an XML one whole.
  it('answers a REST-JSON request carrying an XML payload (SageMaker InvokeEndpoint) in JSON with X-Amzn-Errortype', async () => {
    for (const [service, request] of [
      ['sagemaker', sent('POST', '/endpoints/e/invocations', { authorization: signedFor('sagemaker'), 'content-type': 'application/xml' })],
      ['cloudsearch', sent('POST', '/2013-01-01/documents/batch?format=sdk', { authorization: signedFor('cloudsearch'), 'content-type': 'application/xml' })],
      ['mediastore', sent('PUT', '/folder/object.xml', { authorization: signedFor('mediastore'), 'content-type': 'text/xml' })],
    ] as const) {
      const response = await router(request);
      expect([service, response.status, response.headers['Content-Type'], response.headers['X-Amzn-Errortype']]).toEqual([
        service,
        400,
        'application/json',
        'UnknownService',
      ]);
    }
  });

  it('decides the protocol from the request: AWS JSON, Query, RPC v2 CBOR, REST-XML by signing name, else REST-JSON', () => {
    const cases: [string, string, string, Record<string, string>, ReturnType<typeof unservedProtocol>][] = [
      ['dynamodb', 'POST', '/', { 'content-type': 'application/x-amz-json-1.0' }, 'json'],
      ['logs', 'POST', '/', { 'content-type': 'application/x-amz-json-1.1' }, 'json'],
      ['sqs', 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, 'query'],
      ['iam', 'POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }, 'query'],
      ['sqs', 'GET', '/?Action=ListQueues&Version=2012-11-05', {}, 'query'],
      ['route53', 'GET', '/2013-04-01/hostedzone', {}, 'rest-xml'],
      ['cloudfront', 'GET', '/2020-05-31/distribution', {}, 'rest-xml'],
      ['route53', 'POST', '/2013-04-01/hostedzone', { 'content-type': 'application/xml' }, 'rest-xml'],
      ['s3express', 'GET', '/b--use1-az4--x-s3?session', {}, 'rest-xml'],
      ['s3-outposts', 'GET', '/v20180820/bucket', {}, 'rest-xml'],
      ['s3-object-lambda', 'POST', '/WriteGetObjectResponse', { 'content-type': 'application/octet-stream' }, 'rest-xml'],
      // An XML payload is not a protocol: REST-JSON operations send the caller's content type.
      ['someservice', 'PUT', '/resource', { 'content-type': 'text/xml' }, 'rest-json'],
      [
        'monitoring',
        'POST',
        '/service/GraniteServiceVersion20100801/operation/ListMetrics',
        { 'smithy-protocol': 'rpc-v2-cbor', 'content-type': 'application/cbor' },
        'smithy-rpc-v2-cbor',
      ],
      ['lambda', 'GET', '/2015-03-31/functions/', {}, 'rest-json'],
      ['lambda', 'POST', '/2015-03-31/functions', { 'content-type': 'application/json' }, 'rest-json'],
      // `Action` only as a query parameter's name counts, not inside another's value.
      ['lambda', 'GET', '/2015-03-31/functions/?Marker=Action%3D', {}, 'rest-json'],
    ];
    for (const [service, method, path, headers, protocol] of cases)
      expect([service, method, path, unservedProtocol(service, sent(method, path, headers))]).toEqual([service, method, path, protocol]);
  });

  it('answers in shapes the AWS SDK for JavaScript reads: REST-XML (S3), Query (STS) and AWS JSON (KMS) clients', async () => {
    const served = signedServices(routes, { service: 'S3', signingName: 's3' });
    // Each client parses the answer with its own protocol's error deserializer.
    const answering = (answer: HttpResponse) => ({
      handle: async () => ({
        response: { statusCode: answer.status, headers: lowerCased(answer.headers), body: Readable.from([Buffer.from(answer.body)]) },
      }),
    });
    const config = { region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    const calls = [
      [
        'route53',
        sent('GET', '/2013-04-01/hostedzone', {}),
        (answer: HttpResponse) => new S3Client({ ...config, requestHandler: answering(answer) }).send(new ListBucketsCommand({})),
      ],
      [
        'sqs',
        sent('POST', '/', { 'content-type': 'application/x-www-form-urlencoded' }),
        (answer: HttpResponse) => new STSClient({ ...config, requestHandler: answering(answer) }).send(new GetCallerIdentityCommand({})),
      ],
      [
        'dynamodb',
        sent('POST', '/', { 'content-type': 'application/x-amz-json-1.0' }),
        (answer: HttpResponse) => new KMSClient({ ...config, requestHandler: answering(answer) }).send(new ListKeysCommand({})),
      ],
    ] as const;
    for (const [service, request, call] of calls) {
      const answer = unservedAnswer(service, request, served);
      const error = await call(answer).then(
        () => undefined,
        (thrown: unknown) => thrown as { name: string; message: string; $metadata: { httpStatusCode?: number } },
      );
      expect([service, error?.name, error?.message, error?.$metadata.httpStatusCode]).toEqual([service, 'UnknownService', messageOf(answer), 400]);
    }
  });

  it('reads the scope of a presigned URL (X-Amz-Credential) and of a SigV4a header (no region)', async () => {
    const presigned = await router(sent('GET', '/?Action=ListQueues&X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fsqs%2Faws4_request&X-Amz-Signature=00', {}));
    expect(messageOf(presigned)).toContain("'sqs'");
    const sigv4a = await router(
      sent('GET', '/', { authorization: 'AWS4-ECDSA-P256-SHA256 Credential=test/20260101/lambda/aws4_request, SignedHeaders=host, Signature=00' }),
    );
    expect(JSON.parse(String(sigv4a.body)).message).toContain("'lambda'");
  });

  it('leaves unsigned requests, S3 and served scopes to their routes, and unreadable scopes to S3', async () => {
    const toS3 = [
      sent('GET', '/bucket/key', {}),
      sent('PUT', '/bucket/key', { authorization: signedFor('s3') }),
      sent('GET', '/bucket/key?X-Amz-Credential=test%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=00', {}),
      sent('GET', '/bucket/key?X-Amz-Credential=test%2f20260101%2fus-east-1%2fs3%2faws4_request&X-Amz-Signature=00', {}),
      // KMS is served, by its X-Amz-Target: a KMS-signed request without one is S3's to refuse.
      sent('POST', '/', { authorization: signedFor('kms') }),
      sent('GET', '/', { authorization: 'AWS test:signature' }),
      sent('GET', '/', { authorization: 'AWS4-HMAC-SHA256 Credential=test/aws4_request' }),
    ];
    for (const request of toS3) expect(await router(request)).toBe(s3Answer);
    expect((await router(sent('POST', '/', { authorization: signedFor('sts') }))).body).toBe('sts');
  });

  it('answers any unserved scope service, and passes every served one (fast-check)', async () => {
    const served = new Set(['kms', 'sts', 's3']);
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.boolean(), async (service, presigned) => {
        const request = presigned
          ? sent('GET', `/?X-Amz-Credential=${encodeURIComponent(`test/20260101/us-east-1/${service}/aws4_request`)}`, {})
          : sent('GET', '/', { authorization: signedFor(service) });
        const response = await router(request);
        if (served.has(service)) expect(['s3', 'sts']).toContain(response.body);
        else expect(messageOf(response)).toContain(`signed for service '${service}'`);
      }),
    );
  });

  it('gets the same answer from the node:http router as from the in-process one', async () => {
    const listener = (_request: IncomingMessage, response: ServerResponse): void => {
      response.end('routed');
    };
    const node = createRouter([
      targetRoute('KMS', ['TrentService.'], listener, 'kms'),
      predicateRoute('STS GetCallerIdentity', isStsRequest, listener, 'sts'),
      untargetedRoute('S3', 's3', listener),
    ]);
    const server = createServer(node);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const cases = [
        { method: 'POST', headers: { authorization: signedFor('sns'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics' },
        { method: 'GET', headers: { authorization: signedFor('lambda') }, body: undefined },
        { method: 'GET', headers: { authorization: signedFor('route53') }, body: undefined },
      ];
      for (const { method, headers, body } of cases) {
        const overHttp = await fetch(`http://127.0.0.1:${port}/`, { method, headers, ...(body === undefined ? {} : { body }) });
        const inProcess = await router(sent(method, '/', headers));
        expect(overHttp.status).toBe(inProcess.status);
        for (const name of ['Content-Type', 'X-Amzn-Errortype']) expect(overHttp.headers.get(name) ?? undefined).toBe(inProcess.headers[name]);
        const withoutId = (text: string) => text.replace(/[-0-9a-f]{36}/, 'id');
        expect(withoutId(await overHttp.text())).toBe(withoutId(String(inProcess.body)));
      }
      const s3 = await fetch(`http://127.0.0.1:${port}/bucket`, { headers: { authorization: signedFor('s3') } });
      expect(await s3.text()).toBe('routed');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
