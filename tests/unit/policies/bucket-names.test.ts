import { validateBucketName, validateBucketNames } from '../../../src/policies/bucket-names';
import { UsageError } from '../../../src/errors';

function messageFor(name: string): string {
  try {
    validateBucketName(name);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`'${name}' was accepted`);
}

describe('validateBucketName', () => {
  it.each([
    'abc',
    'a'.repeat(63),
    'my-bucket',
    'my.bucket.example.com',
    '1bucket9',
    'reports-2024',
    '192.168.5.4x',
    // Account regional namespace buckets end in -an; they are ordinary general purpose buckets.
    'data-111122223333-us-west-2-an',
    'xn-single-hyphen',
  ])('accepts %s', (name) => {
    expect(() => validateBucketName(name)).not.toThrow();
  });

  it.each([
    ['ab', /'ab' has 2 characters: S3 bucket names have 3 to 63 characters/],
    ['', /has 0 characters/],
    ['a'.repeat(64), /has 64 characters/],
    ['MyBucket', /has uppercase letters: S3 bucket names are lowercase, such as 'mybucket'/],
    ['my_bucket', /contains '_': S3 bucket names have only lowercase letters, digits, dots and hyphens/],
    ['my bucket', /contains a space/],
    ['caf\u00e9-bucket', /contains U\+00E9/],
    ['-bucket', /must start and end with a letter or digit/],
    ['bucket-', /must start and end with a letter or digit/],
    ['.bucket', /must start and end with a letter or digit/],
    ['my..bucket', /two adjacent dots/],
    ['192.168.5.4', /formatted like an IP address/],
    ['10.0.0.1', /formatted like an IP address/],
    ['xn--bucket', /starts with 'xn--'/],
    ['sthree-bucket', /starts with 'sthree-'/],
    ['sthree-configurator-x', /starts with 'sthree-'/],
    ['amzn-s3-demo-bucket', /starts with 'amzn-s3-demo-': S3 reserves it for documentation examples/],
    ['mybucket-s3alias', /ends with '-s3alias': S3 reserves it for access point aliases: give the name of the bucket itself/],
    ['mybucket--ol-s3', /ends with '--ol-s3': .*Object Lambda/],
    ['mybucket.mrap', /ends with '.mrap': .*Multi-Region Access Points/],
    ['mybucket--usw2-az1--x-s3', /ends with '--x-s3': it names a directory bucket/],
    ['mybucket--table-s3', /ends with '--table-s3': it names a table bucket/],
    ['s3://my-bucket/some/key', /is a URL: give just the bucket name, such as 'my-bucket'/],
    ['arn:aws:s3:::my-bucket', /is an ARN: give just the bucket name, such as 'my-bucket'/],
    ['my-bucket/alice', /contains '\/': give the bucket name alone and the folder with --prefix, such as 'my-bucket --prefix alice'/],
  ])('rejects %j', (name, expected) => {
    expect(messageFor(name)).toMatch(expected);
  });

  it('names the bucket in every message', () => {
    expect(messageFor('Bad_Name')).toContain("bucket name 'Bad_Name'");
  });
});

describe('validateBucketNames', () => {
  it('drops repeats and keeps the order', () => {
    expect(validateBucketNames(['bbb', 'aaa', 'bbb'])).toEqual(['bbb', 'aaa']);
  });

  it('needs at least one bucket and rejects any bad one', () => {
    expect(() => validateBucketNames([])).toThrow(/no bucket given: name at least one bucket/);
    expect(() => validateBucketNames(['good-one', 'BAD'])).toThrow(/bucket name 'BAD'/);
  });
});
