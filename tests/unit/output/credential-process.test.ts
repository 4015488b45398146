// --format credential-process prints what a profile's credential_process must print: checked by
// the SDK's own fromProcess provider reading it through a config file, as aws-cli would.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromProcess } from '@aws-sdk/credential-providers';
import { formatCredentials, checkFormatCarries } from '../../../src/output/credentials';
import { UsageError } from '../../../src/errors';

const dir = mkdtempSync(join(tmpdir(), 's3share-cp-'));

async function readBack(printed: string) {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(out, printed);
  const config = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  writeFileSync(config, `[profile shared]\ncredential_process = cat ${out}\n`);
  return fromProcess({ profile: 'shared', configFilepath: config, filepath: join(dir, 'none') })();
}

test('an access key: Version 1, the two keys, and nothing that expires', async () => {
  const printed = formatCredentials(
    { UserName: 'alice', AccessKeyId: 'AKIAEXAMPLE', SecretAccessKey: 'sec/ret+key' },
    'credential-process',
  );
  expect(JSON.parse(printed)).toEqual({ Version: 1, AccessKeyId: 'AKIAEXAMPLE', SecretAccessKey: 'sec/ret+key' });
  const creds = await readBack(printed);
  expect(creds).toMatchObject({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'sec/ret+key' });
  expect(creds.expiration).toBeUndefined();
});

test('temporary credentials carry the session token and expiry', async () => {
  const expiration = new Date(Date.now() + 3600_000).toISOString();
  const printed = formatCredentials(
    { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 's', SessionToken: 'token', Expiration: expiration, RoleArn: 'arn:aws:iam::1:role/r' },
    'credential-process',
  );
  expect(Object.keys(JSON.parse(printed))).toEqual(['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
  const creds = await readBack(printed);
  expect(creds).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'token' });
  expect(creds.expiration?.toISOString()).toBe(expiration);
});

test('it cannot hold a console password, so --console with it is refused', () => {
  expect(() => checkFormatCarries('credential-process', ['SecretAccessKey', 'Password'])).toThrow(UsageError);
  expect(() => checkFormatCarries('credential-process', ['SecretAccessKey', 'SessionToken'])).not.toThrow();
});
