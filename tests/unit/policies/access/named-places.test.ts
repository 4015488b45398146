// The places a principal's policies name, which the excess check probes besides its fixed ones.
import { namedPlaces } from '../../../../src/policies/access/named-places';

const policy = (Resource: unknown, extra: Record<string, unknown> = {}) => ({
  label: 'p',
  document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource, ...extra }] },
});

describe('namedPlaces', () => {
  it('finds buckets and folders in inline, managed and group policies, wildcards filled in', () => {
    const places = namedPlaces([
      {
        inline: [policy(['arn:aws:s3:::photos/bob/*', 'arn:aws:s3:::photos'])],
        managed: [policy('arn:aws:s3:::logs-*/2024/*')],
        groups: [{ name: 'g', inline: [policy('arn:aws:s3:::partner-data/in/box/file.txt')], managed: [] }],
      },
    ]);
    expect(places.buckets.sort()).toEqual(['logs-x', 'partner-data', 'photos']);
    expect(places.prefixes.sort()).toEqual(['2024/', 'bob/', 'in/box/']);
  });

  it('skips what names no S3 place: "*", other services, ${aws:username} folders are cut before the variable', () => {
    const places = namedPlaces([
      { inline: [policy('*'), policy('arn:aws:iam::123456789012:user/x'), policy('arn:aws:s3:::home/users/${aws:username}/*')] },
    ]);
    expect(places).toEqual({ buckets: ['home'], prefixes: ['users/'] });
  });
});
