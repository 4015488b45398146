// An account snapshot with the principals the access tests reason about: s3-share prefix clients
// (alice/, bob/, and a sibling alice-evil/), a legacy user whose policy names "alice*", a group
// grant, a Deny, a boundary, a role, an administrator, a bucket-policy editor, another account and
// a public prefix. Policies s3-share writes come from its own templates.
import { readFileSync } from 'fs';
import { join } from 'path';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type AccountSnapshot, type SnapshotPrincipal } from '../../../src/policies/access/account';
import { TAG_GRANT, TAG_MADE_BY } from '../../../src/policies/ownership';

export const ACCOUNT = '111122223333';
export const PARTNER = '444455556666';
export const BUCKET = 'shared-files';

export function template(name: string, bucket: string, prefix = ''): unknown {
  const text = readFileSync(join(__dirname, '..', '..', '..', 'policies', `${name}.json`), 'utf8');
  return JSON.parse(text.replace(/\$!BUCKET_NAME!\$/g, bucket).replace(/\$!PREFIX!\$/g, prefix));
}

const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[]) => ({ Effect: 'Allow', Action, Resource });

function user(name: string, extra: Partial<SnapshotPrincipal> = {}): SnapshotPrincipal {
  return { kind: 'user', name, arn: `arn:aws:iam::${ACCOUNT}:user/${name}`, tags: [], inline: [], managed: [], groups: [], ...extra };
}

function client(name: string, prefix: string, mode = 'read-write'): SnapshotPrincipal {
  return user(name, {
    tags: [
      { Key: TAG_MADE_BY, Value: 's3-share/1.0.0' },
      { Key: TAG_GRANT, Value: `${mode} ${BUCKET}/${prefix}` },
    ],
    inline: [{ name: `s3-share.${mode}`, document: template(`${mode}-prefix`, BUCKET, prefix) }],
  });
}

export function accountSnapshot(): AccountSnapshot {
  const admin = `arn:aws:iam::aws:policy/AdministratorAccess`;
  const boundary = `arn:aws:iam::${ACCOUNT}:policy/public-only`;
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    takenAt: '2026-12-04T18:00:00.000Z',
    partition: 'aws',
    account: ACCOUNT,
    principals: [
      user('admin', { managed: [admin] }),
      client('alice', 'alice/'),
      client('bob', 'bob/', 'read-only'),
      client('alice-evil', 'alice-evil/'),
      user('legacy', { inline: [{ name: 'old-share', document: doc(allow('s3:GetObject', `arn:aws:s3:::${BUCKET}/alice*`)) }] }),
      // Made by s3-share for bob/, and also in a group that grants the whole bucket: beyond its grant.
      { ...client('carol', 'carol/', 'read-only'), groups: ['everything'] },
      user('ops', {
        inline: [{ name: 'edit-policy', document: doc(allow(['s3:PutBucketPolicy', 's3:GetBucketPolicy'], `arn:aws:s3:::${BUCKET}`)) }],
      }),
      user('denied', {
        inline: [
          {
            name: 'all-but-read',
            document: doc(
              allow(['s3:ListBucket', 's3:GetObject', 's3:PutObject'], [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`]),
              {
                Effect: 'Deny',
                Action: 's3:GetObject',
                Resource: `arn:aws:s3:::${BUCKET}/*`,
              },
            ),
          },
        ],
      }),
      user('bounded', { inline: [{ name: 'all-s3', document: doc(allow('s3:*', '*')) }], boundary }),
      user('unrelated', { inline: [{ name: 'other', document: doc(allow('s3:*', 'arn:aws:s3:::other-bucket/*')) }] }),
      {
        kind: 'role',
        name: 'reader-role',
        arn: `arn:aws:iam::${ACCOUNT}:role/reader-role`,
        tags: [
          { Key: TAG_MADE_BY, Value: 's3-share/1.0.0' },
          { Key: TAG_GRANT, Value: `read-only ${BUCKET}` },
        ],
        inline: [{ name: 's3-share.read-only', document: template('read-only', BUCKET) }],
        managed: [],
        groups: [],
      },
    ],
    groups: [
      {
        name: 'everything',
        inline: [{ name: 'all-of-it', document: doc(allow('s3:*', [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`])) }],
        managed: [],
      },
    ],
    policies: [
      { arn: admin, name: 'AdministratorAccess', document: doc(allow('*', '*')) },
      { arn: boundary, name: 'public-only', document: doc(allow(['s3:GetObject', 's3:PutObject'], `arn:aws:s3:::${BUCKET}/team/*`)) },
    ],
    buckets: [
      {
        name: BUCKET,
        policy: doc(
          {
            Sid: 'Partner',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${PARTNER}:root` },
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${BUCKET}/partner/*`,
          },
          { Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/public/*` },
        ),
      },
      { name: 'other-bucket', policy: null },
    ],
    incomplete: [],
  };
}
