import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { DELETE_BATCH, deleteKeys } from '../../../src/services/objects/batch-delete';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

beforeEach(() => s3Mock.reset());

describe('deleteKeys', () => {
  it('sends batches of at most 1,000 keys from an async source', async () => {
    s3Mock.on(DeleteObjectsCommand).resolves({});
    async function* keys() {
      for (let i = 0; i < 2345; i++) yield `k${i}`;
    }
    const batches: number[] = [];
    const result = await deleteKeys(s3, 'b', keys(), (r) => batches.push(r.deleted.length));
    expect(batches).toEqual([DELETE_BATCH, DELETE_BATCH, 345]);
    expect(result.deleted).toHaveLength(2345);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)[0].args[0].input).toMatchObject({ Bucket: 'b', Delete: { Quiet: true } });
  });

  it('reports keys S3 refused and keeps the rest', async () => {
    s3Mock.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'b', Code: 'AccessDenied', Message: 'Access Denied' }] });
    const result = await deleteKeys(s3, 'bkt', ['a', 'b', 'c']);
    expect(result.deleted).toEqual(['a', 'c']);
    expect(result.failed).toEqual([{ Key: 'b', Code: 'AccessDenied', Message: 'Access Denied' }]);
  });

  it('sends nothing for no keys, and throws when the call itself fails', async () => {
    expect(await deleteKeys(s3, 'b', [])).toEqual({ deleted: [], failed: [] });
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
    s3Mock.on(DeleteObjectsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(deleteKeys(s3, 'b', ['x'])).rejects.toThrow('denied');
  });
});
