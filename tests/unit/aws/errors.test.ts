import { OPERATION_CONTEXT, type OperationContext } from '../../../src/aws/clients';
import { actionFor, describeAwsError } from '../../../src/aws/errors';

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

describe('actionFor', () => {
  it('maps S3 operations to the IAM actions that authorise them', () => {
    expect(actionFor({ service: 's3', operation: 'HeadBucket' })).toBe('s3:ListBucket');
    expect(actionFor({ service: 's3', operation: 'UploadPart' })).toBe('s3:PutObject');
    expect(actionFor({ service: 's3', operation: 'ListBuckets' })).toBe('s3:ListAllMyBuckets');
    expect(actionFor({ service: 'iam', operation: 'CreateUser' })).toBe('iam:CreateUser');
    expect(actionFor(undefined)).toBeUndefined();
  });
});
