import { OPERATION_CONTEXT, type OperationContext } from '../../../src/aws/clients';
import { actionFor, describeAwsError, isAwsError } from '../../../src/aws/errors';

function awsError(name: string, message: string, op?: OperationContext, extra: Record<string, unknown> = {}) {
  const e = Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 403, attempts: 5 }, ...extra });
  if (op) Object.defineProperty(e, OPERATION_CONTEXT, { value: op });
  return e;
}

describe('describeAwsError', () => {
  it('names the refused action from an IAM message', () => {
    const msg = describeAwsError(
      awsError(
        'AccessDenied',
        'User: arn:aws:iam::123:user/x is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123:user/',
      ),
    );
    expect(msg).toBe(
      'access denied: these credentials may not call iam:ListUsers on arn:aws:iam::123:user/ (AccessDenied): use credentials whose policy allows iam:ListUsers',
    );
  });

  it('names the object or bucket of a refused S3 call, which S3 does not say', () => {
    const put = awsError('AccessDenied', 'Access Denied', { service: 's3', operation: 'PutObject', resource: 's3://photos/bob/x.txt' });
    expect(describeAwsError(put)).toBe(
      'access denied: these credentials may not call s3:PutObject on s3://photos/bob/x.txt (AccessDenied): use credentials whose policy allows s3:PutObject',
    );
    const list = awsError('AccessDenied', 'Access Denied', { service: 's3', operation: 'ListObjectsV2', resource: 's3://photos' });
    expect(describeAwsError(list)).toContain('may not call s3:ListBucket on s3://photos (AccessDenied)');
  });

  it('names the refused action from the operation when S3 says only "Access Denied"', () => {
    expect(describeAwsError(awsError('AccessDenied', 'Access Denied', { service: 's3', operation: 'ListObjectsV2' }))).toContain(
      's3:ListBucket',
    );
    expect(describeAwsError(awsError('AccessDenied', 'Access Denied', { service: 's3', operation: 'PutObject' }))).toContain(
      's3:PutObject',
    );
  });

  it.each([
    ['InvalidClientTokenId', /access key is not valid \(InvalidClientTokenId\)/],
    ['InvalidAccessKeyId', /access key is not valid.*wait 10-15 s/],
    ['SignatureDoesNotMatch', /secret key does not match/],
    ['ExpiredToken', /session token has expired \(ExpiredToken\)/],
    ['ExpiredTokenException', /session token has expired/],
    ['InvalidToken', /session token is invalid/],
    ['CredentialsProviderError', /no AWS credentials found/],
    ['NoSuchBucket', /the bucket does not exist \(NoSuchBucket\)/],
    ['Throttling', /kept throttling requests to sts:GetCallerIdentity after 5 attempts/],
  ])('explains %s', (code, pattern) => {
    const msg = describeAwsError(awsError(code, 'raw', { service: 'sts', operation: 'GetCallerIdentity' }));
    expect(msg).toMatch(pattern);
    expect(msg).not.toMatch(/\n/);
  });

  it('reports an expired token as expired, not as a missing bucket', () => {
    expect(
      describeAwsError(awsError('ExpiredToken', 'The provided token has expired.', { service: 's3', operation: 'HeadBucket' })),
    ).not.toMatch(/bucket/i);
  });

  it('names the bucket of a NoSuchBucket', () => {
    expect(describeAwsError(awsError('NoSuchBucket', 'x', undefined, { BucketName: 'photos' }))).toMatch(/^bucket photos does not exist/);
  });

  it('describes network failures', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: {} });
    expect(describeAwsError(e)).toMatch(/cannot reach AWS: the connection was refused \(ECONNREFUSED\)/);
  });

  it('says when the endpoint answered with something that is not AWS (an HTML error page)', () => {
    const e = awsError(
      'Error',
      '@aws-sdk XML parse error: mismatched tags <html> and </title>. Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.',
      { service: 's3', operation: 'ListObjectsV2' },
    );
    (e as unknown as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode = 500;
    expect(describeAwsError(e)).toBe(
      'the endpoint answered s3:ListBucket with something that is not an AWS response (HTTP 500): check --endpoint-url, proxies and the region',
    );
  });

  it('keeps unknown codes and the operation, on one line', () => {
    const msg = describeAwsError(
      awsError('NoSuchEntity', 'The user with name ghost\ncannot be found.', { service: 'iam', operation: 'ListUserPolicies' }),
    );
    expect(msg).toBe('The user with name ghost cannot be found (NoSuchEntity from iam:ListUserPolicies)');
  });
});

describe('describeAwsError: timeouts and answers that are not AWS', () => {
  const at = (op: string): OperationContext => ({
    service: 'sts',
    operation: op,
    endpoint: 'http://127.0.0.1:4566',
    connectTimeoutMs: 60_000,
    readTimeoutMs: 60_000,
  });
  const timeout = (message: string, attempts?: number) => {
    const e = Object.assign(new Error(message), { name: 'TimeoutError', ...(attempts ? { $metadata: { attempts } } : {}) });
    Object.defineProperty(e, OPERATION_CONTEXT, { value: at('GetCallerIdentity') });
    return e;
  };

  it('names the endpoint, the silence and the flag to raise when an answer stops coming', () => {
    const e = timeout(
      '@smithy/node-http-handler - the request socket timed out after 1500 ms of inactivity (configured by client requestHandler).',
      3,
    );
    expect(describeAwsError(e)).toBe(
      'http://127.0.0.1:4566 stopped answering: nothing received for 1.5 s (TimeoutError from sts:GetCallerIdentity, 3 attempts): check --endpoint-url, proxies and firewalls, or raise --read-timeout if the endpoint is just slow',
    );
  });

  it('names the endpoint and the flag when a connection cannot be made in time', () => {
    const e = timeout(
      '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 60000 ms.',
    );
    expect(describeAwsError(e)).toBe(
      'cannot connect to http://127.0.0.1:4566: no connection within 60 s (TimeoutError from sts:GetCallerIdentity): check the network, proxies, --endpoint-url and --region, or raise --connect-timeout',
    );
  });

  it('counts a timeout that fires while a body is read as an AWS failure, not as a crash', () => {
    expect(isAwsError(Object.assign(new Error('@smithy/node-http-handler - the request socket timed out'), { name: 'TimeoutError' }))).toBe(
      true,
    );
    expect(isAwsError(Object.assign(new Error('some other library'), { name: 'TimeoutError' }))).toBe(false);
  });

  const foreign = (name: string, message: string, status: number, headers: Record<string, string>) => {
    const e = Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
    Object.defineProperty(e, '$response', { value: { statusCode: status, headers } });
    Object.defineProperty(e, OPERATION_CONTEXT, { value: at('GetCallerIdentity') });
    return e;
  };

  it.each([
    ['an HTML 404', 'NotFound', 'Unknown', 404, { 'content-type': 'text/html; charset=utf-8' }, '(HTTP 404, text/html)'],
    ['an HTML 502 from a proxy', 'Unknown', 'Unknown', 502, { 'content-type': 'text/html' }, '(HTTP 502, text/html)'],
    ['a bare 403 with no body', 'Forbidden', 'UnknownError', 403, {}, '(HTTP 403)'],
    [
      'a JSON 400 from some other API',
      'BadRequest',
      'Unknown',
      400,
      { 'content-type': 'application/json' },
      '(HTTP 400, application/json)',
    ],
  ])('says %s is not an AWS response, naming the endpoint', (_what, name, message, status, headers, detail) => {
    expect(describeAwsError(foreign(name, message, status, headers))).toBe(
      `the endpoint http://127.0.0.1:4566 answered sts:GetCallerIdentity with something that is not an AWS response ${detail}: check --endpoint-url, proxies and the region`,
    );
  });

  it('trusts an answer that carries an AWS request id, even an unparsed one', () => {
    const headObject = foreign('NotFound', 'UnknownError', 404, { 'content-type': 'text/html', 'x-amz-request-id': 'R1' });
    expect(describeAwsError(headObject)).not.toMatch(/not an AWS response/);
    const moto = foreign('NotFound', 'UnknownError', 404, { 'x-amzn-requestid': 'R2' });
    expect(describeAwsError(moto)).not.toMatch(/not an AWS response/);
  });

  it('describes the error a client raises for a web page answering 200', () => {
    expect(describeAwsError(foreign('NotAnAwsResponse', 'the answer is a web page', 200, { 'content-type': 'text/html' }))).toMatch(
      /^the endpoint http:\/\/127\.0\.0\.1:4566 answered sts:GetCallerIdentity with something that is not an AWS response \(HTTP 200, text\/html\)/,
    );
  });

  it('names the endpoint and the operation of a refused connection', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED', $metadata: {} });
    Object.defineProperty(e, OPERATION_CONTEXT, { value: at('GetCallerIdentity') });
    expect(describeAwsError(e)).toBe(
      'cannot reach http://127.0.0.1:4566 (sts:GetCallerIdentity): the connection was refused (ECONNREFUSED): check the network, --endpoint-url and --region',
    );
  });
});

describe('actionFor', () => {
  it('maps S3 operations to the IAM actions that authorise them', () => {
    expect(actionFor({ service: 's3', operation: 'HeadBucket' })).toBe('s3:ListBucket');
    expect(actionFor({ service: 's3', operation: 'UploadPart' })).toBe('s3:PutObject');
    expect(actionFor({ service: 's3', operation: 'ListBuckets' })).toBe('s3:ListAllMyBuckets');
    expect(actionFor({ service: 'iam', operation: 'CreateUser' })).toBe('iam:CreateUser');
    expect(actionFor(undefined)).toBeUndefined();
  });
});
