// The sync plan's --delete: only remote objects under the prefix whose file is known to be gone.
// What the local walk could not read is never taken for absent.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planSync } from '../../../src/services/sync/plan';
import type { RemoteObject } from '../../../src/services/sync/remote-listing';
import { checksumStrategy, sizeAndMtime } from '../../../src/services/sync/strategy';

function remote(...keys: string[]): Map<string, RemoteObject> {
  return new Map(
    keys.map((relativeKey) => [relativeKey, { key: `dest/${relativeKey}`, relativeKey, size: 1, lastModifiedMs: 0, etag: '"x"' }]),
  );
}

async function deletesFor(root: string, listing: Map<string, RemoteObject>) {
  const plan = await planSync(
    {
      root,
      dest: { bucket: 'b', prefix: 'dest/' },
      strategy: sizeAndMtime,
      filters: [],
      delete: true,
      followSymlinks: true,
      concurrency: 4,
    },
    listing,
  );
  return { deletes: plan.deletes.map((o) => o.relativeKey).sort(), issues: plan.issues.map((i) => `${i.kind}:${i.relativePath}`) };
}

describe('sync --delete', () => {
  it('deletes remote objects whose local file is gone, and nothing else', async () => {
    const root = mkdtempSync(join(tmpdir(), 's3share-plan-'));
    writeFileSync(join(root, 'kept.txt'), 'k');
    const { deletes } = await deletesFor(root, remote('kept.txt', 'gone.txt', 'old/gone2.txt'));
    expect(deletes).toEqual(['gone.txt', 'old/gone2.txt']);
  });

  it('keeps the remote copies under a folder it did not walk (a symlink loop)', async () => {
    const root = mkdtempSync(join(tmpdir(), 's3share-plan-'));
    mkdirSync(join(root, 'photos'));
    writeFileSync(join(root, 'photos', 'a.jpg'), 'a');
    symlinkSync(join(root, 'photos'), join(root, 'photos', 'again'));
    const { deletes, issues } = await deletesFor(root, remote('photos/a.jpg', 'photos/again/a.jpg', 'photos/again-not.jpg'));
    expect(issues).toEqual(['loop:photos/again']);
    expect(deletes).toEqual(['photos/again-not.jpg']);
  });

  it('keeps the remote copy of something it cannot upload (a FIFO)', async () => {
    const root = mkdtempSync(join(tmpdir(), 's3share-plan-'));
    execFileSync('mkfifo', [join(root, 'queue')]);
    const { deletes, issues } = await deletesFor(root, remote('queue', 'queue2'));
    expect(issues).toEqual(['special:queue']);
    expect(deletes).toEqual(['queue2']);
  });

  it('keeps the remote copy of a broken link (the file may be back tomorrow)', async () => {
    const root = mkdtempSync(join(tmpdir(), 's3share-plan-'));
    symlinkSync(join(root, 'nowhere'), join(root, 'link.txt'));
    const { deletes, issues } = await deletesFor(root, remote('link.txt', 'link.txt.bak'));
    expect(issues).toEqual(['broken-link:link.txt']);
    expect(deletes).toEqual(['link.txt.bak']);
  });
});

describe('sync --checksum, a file that cannot be read to compare', () => {
  it('is planned as an upload (which then fails with its own error), never silently skipped', async () => {
    const root = mkdtempSync(join(tmpdir(), 's3share-plan-'));
    writeFileSync(join(root, 'locked.txt'), 'x');
    writeFileSync(join(root, 'same.txt'), 'x');
    // Both exist remotely with an MD5-style ETag: only reading the file could decide.
    const listing = new Map<string, RemoteObject>(
      ['locked.txt', 'same.txt'].map((relativeKey) => [
        relativeKey,
        { key: `dest/${relativeKey}`, relativeKey, size: 1, lastModifiedMs: 0, etag: '"9dd4e461268c8034f5c8564e155c67a6"' },
      ]),
    );
    const strategy = checksumStrategy(async (f) => {
      if (f.relativePath === 'locked.txt') throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return '9dd4e461268c8034f5c8564e155c67a6';
    });
    const plan = await planSync(
      { root, dest: { bucket: 'b', prefix: 'dest/' }, strategy, filters: [], delete: false, followSymlinks: true, concurrency: 4 },
      listing,
    );
    expect(plan.uploads.map((u) => [u.key, u.reason])).toEqual([['dest/locked.txt', 'checksum']]);
    expect(plan.skips.map((s) => s.key)).toEqual(['dest/same.txt']);
    expect(plan.uploadBytes).toBe(1);
  });
});
