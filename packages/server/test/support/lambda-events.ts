import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';

// Events as API Gateway, SQS and Lambda hand them to a function (fields as documented by AWS).

/** The invocation context Lambda passes beside the event. */
export function invocation(remainingMs = 30_000): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'tweeter-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:tweeter-test',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/tweeter-test',
    logStreamName: '2026/11/29/[$LATEST]test',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface HttpRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** A REST API (v1) proxy-integration event for `ANY /{proxy+}` on stage `prod`. */
export function restEvent(req: HttpRequest): APIGatewayProxyEvent {
  const headers = { Host: 'abc123.execute-api.us-east-1.amazonaws.com', 'X-Forwarded-Proto': 'https', ...req.headers };
  const binary = Buffer.isBuffer(req.body);
  return {
    resource: '/{proxy+}',
    path: req.path,
    httpMethod: req.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: req.query ?? null,
    multiValueQueryStringParameters: req.query
      ? Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, [v]]))
      : null,
    pathParameters: { proxy: req.path.slice(1) },
    stageVariables: null,
    body: req.body === undefined ? null : binary ? (req.body as Buffer).toString('base64') : (req.body as string),
    isBase64Encoded: binary,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: req.method,
      path: `/prod${req.path}`,
      stage: 'prod',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: '/{proxy+}',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'test',
        userArn: null,
      },
    },
  };
}

/** An HTTP API (v2) event: repeated query parameters arrive joined by commas, as API Gateway sends them. */
export function httpApiEvent(req: HttpRequest & { rawQueryString?: string }): APIGatewayProxyEventV2 {
  const headers = { host: 'xyz789.execute-api.us-east-1.amazonaws.com', ...req.headers };
  const rawQueryString = req.rawQueryString ?? new URLSearchParams(req.query ?? {}).toString();
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: req.path,
    rawQueryString,
    headers,
    ...(rawQueryString ? { queryStringParameters: query } : {}),
    body: typeof req.body === 'string' ? req.body : undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'xyz789',
      domainName: headers.host,
      domainPrefix: 'xyz789',
      http: { method: req.method, path: req.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

/** An SQS event-source record for a message with `body`, received for the `receives`-th time. */
export function sqsRecord(body: string, receives = 1, queue = 'tweeter-fanout-deliver'): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receives),
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queue}`,
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}
