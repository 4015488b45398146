#!/usr/bin/env node
// A small mutation check: does the test suite notice when a line that matters is broken?
//
//   node scripts/mutate.mjs            every mutation below
//   node scripts/mutate.mjs ID...      only those (ids from the list)
//   node scripts/mutate.mjs --list     print the list and stop
//   node scripts/mutate.mjs --keep     leave the scratch copy for a look (its path is printed)
//
// Copies the files git tracks (as they are in the working tree, uncommitted edits included) to a
// scratch folder, with node_modules symlinked, so the working tree is never touched. Then, for
// each mutation: replace one exact piece of text (it must occur exactly once, or the mutation is
// reported STALE: the code moved and the list needs updating), rebuild the CLI, run only the test
// files named for it, and restore the file. A failing run KILLED the mutation; a passing run means
// it SURVIVED: the tests named do not check what that line does. Before any mutation, the same
// test files run on the unmutated copy and must pass, or the check stops (a "kill" would mean
// nothing). Not run in CI: it takes minutes (e2e files start their own moto server).
// Exit code: 0 when every mutation was killed, 1 otherwise.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

/**
 * Each mutation: id, file, the exact original text, its replacement, what it breaks (why a test
 * should notice), and the test files to run. Keep the replacement type-correct, so that a kill
 * means a test failed, not the compiler.
 */
const MUTATIONS = [
  {
    id: 'create-key-undo-noop',
    file: 'src/services/credentials/access-key.ts',
    from: 'run: () => iam.send(new DeleteAccessKeyCommand({ UserName: userName, AccessKeyId: key.AccessKeyId })),',
    to: 'run: async () => undefined,',
    breaks: "create's rollback says it deletes the new access key but leaves it",
    tests: ['tests/unit/credentials/create-rollback.test.ts', 'tests/unit/credentials/create.test.ts', 'tests/e2e/signals.e2e.test.ts'],
  },
  {
    id: 'refreshed-policy-undone',
    file: 'src/services/credentials/user-steps.ts',
    from: 'undo: already\n',
    to: 'undo: false\n',
    breaks: 'a rollback deletes an inline policy the user already had (create only refreshed it)',
    tests: [
      'tests/unit/credentials/user-steps.test.ts',
      'tests/unit/credentials/create-rollback.test.ts',
      'tests/unit/credentials/create.test.ts',
    ],
  },
  {
    id: 'sync-unreadable-skipped',
    file: 'src/services/sync/plan.ts',
    from: "() => void (entry.reason = 'checksum'),",
    to: '() => void (entry.reason = undefined),',
    breaks: 'a file that cannot be read to compare is silently skipped instead of uploaded (and failing loudly)',
    tests: ['tests/unit/sync/plan.test.ts', 'tests/unit/sync/decisions.test.ts', 'tests/unit/sync/command.test.ts'],
  },
  {
    id: 'sync-delete-unreadable',
    file: 'src/services/sync/plan.ts',
    from: '|| seen.has(object.relativeKey) || unseen(object.relativeKey)) continue;',
    to: '|| seen.has(object.relativeKey)) continue;',
    breaks: '--delete removes the remote copies of a local folder it could not read',
    tests: ['tests/unit/sync/plan.test.ts', 'tests/unit/sync/command.test.ts'],
  },
  {
    id: 'prefix-no-trailing-slash',
    file: 'src/policies/prefix.ts',
    from: "const prefix = raw.endsWith('/') ? raw : `${raw}/`;",
    to: 'const prefix = raw;',
    breaks: "a grant for prefix 'alice' also reaches the sibling 'alice-evil/'",
    tests: ['tests/unit/policies/prefix.test.ts', 'tests/unit/policies/templates.test.ts', 'tests/unit/policies/semantics.test.ts'],
  },
  {
    id: 'rollback-oldest-first',
    file: 'src/services/plan.ts',
    from: 'for (const undo of [...undos].reverse()) {',
    to: 'for (const undo of [...undos]) {',
    breaks: 'rollback runs oldest first (DeleteUser before its key and policy: DeleteConflict on AWS)',
    tests: ['tests/unit/plan/plan.test.ts', 'tests/unit/credentials/create-rollback.test.ts'],
  },
  {
    id: 'dry-run-shows-password',
    file: 'src/services/credentials/console-login.ts',
    from: "input: { ...request, Password: '(hidden)' },",
    to: 'input: { ...request },',
    breaks: 'the console password appears in --dry-run output and in plans',
    tests: ['tests/unit/credentials/create.test.ts', 'tests/e2e/create-extras.e2e.test.ts', 'tests/e2e/secrets.e2e.test.ts'],
  },
  {
    id: 'sync-newer-same-second',
    file: 'src/services/sync/strategy.ts',
    from: "if (seconds(local.mtimeMs) > seconds(remote.lastModifiedMs)) return 'newer';",
    to: "if (seconds(local.mtimeMs) >= seconds(remote.lastModifiedMs)) return 'newer';",
    breaks: 'a file modified in the same second as its upload is uploaded again on every sync',
    tests: ['tests/unit/sync/decisions.test.ts'],
  },
  {
    id: 'sync-newer-ignored',
    file: 'src/services/sync/strategy.ts',
    from: "if (seconds(local.mtimeMs) > seconds(remote.lastModifiedMs)) return 'newer';",
    to: 'if (seconds(local.mtimeMs) > seconds(remote.lastModifiedMs)) return undefined;',
    breaks: 'a local file edited since the upload (same size) is never uploaded again',
    tests: ['tests/unit/sync/decisions.test.ts', 'tests/unit/sync/plan.test.ts'],
  },
  {
    id: 'delete-user-keeps-keys',
    file: 'src/services/users/delete/remove.ts',
    from: 'return removal(() => iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: s.Id })));',
    to: 'return removal(async () => undefined);',
    breaks: 'delete-user reports the keys deleted but leaves them (IAM then refuses DeleteUser)',
    tests: ['tests/unit/users/delete-user.test.ts', 'tests/e2e/delete-user.e2e.test.ts'],
  },
  {
    id: 'delete-user-keeps-login',
    file: 'src/services/users/delete/remove.ts',
    from: 'return removal(() => iam.send(new DeleteLoginProfileCommand({ UserName })));',
    to: 'return removal(async () => undefined);',
    breaks: 'delete-user leaves the console password (IAM then refuses DeleteUser)',
    tests: ['tests/unit/users/delete-user.test.ts', 'tests/e2e/delete-user.e2e.test.ts'],
  },
  {
    id: 'delete-user-stays-in-group',
    file: 'src/services/users/delete/remove.ts',
    from: 'return removal(() => iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: s.Id })));',
    to: 'return removal(async () => undefined);',
    breaks: 'delete-user leaves the user in its groups (IAM then refuses DeleteUser)',
    tests: ['tests/unit/users/delete-user.test.ts', 'tests/e2e/delete-user.e2e.test.ts'],
  },
  {
    id: 'public-bucket-writes',
    file: 'policies/public-bucket.json',
    from: '"Action": ["s3:GetObject"],',
    to: '"Action": ["s3:GetObject", "s3:PutObject"],',
    breaks: '--public lets anyone write to the bucket, not only read',
    tests: ['tests/unit/policies/templates.test.ts', 'tests/e2e/create-extras.e2e.test.ts'],
  },
  {
    id: 'read-only-writes',
    file: 'policies/read-only.json',
    from: '"s3:GetObject",\n',
    to: '"s3:GetObject",\n        "s3:PutObject",\n',
    breaks: '--read-only credentials can write objects',
    tests: ['tests/unit/policies/templates.test.ts', 'tests/unit/policies/semantics.test.ts', 'tests/e2e/create.e2e.test.ts'],
  },
  {
    id: 'usage-error-exit-1',
    file: 'src/errors.ts',
    from: 'readonly exitCode = 2;',
    to: 'readonly exitCode = 1;',
    breaks: 'a wrong command line exits 1 (an operation failed) instead of 2',
    tests: ['tests/unit/commands/cli.test.ts', 'tests/e2e/bad-input.e2e.test.ts'],
  },
  {
    id: 'limiter-over-limit',
    file: 'src/services/concurrency.ts',
    from: 'if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));',
    to: 'if (active > limit) await new Promise<void>((resolve) => waiting.push(resolve));',
    breaks: '--concurrency N lets N+1 requests run at once',
    tests: ['tests/unit/plan/concurrency.test.ts'],
  },
  {
    id: 'env-secret-unquoted',
    file: 'src/output/credentials.ts',
    from: '`export AWS_SECRET_ACCESS_KEY=${shellQuote(creds.SecretAccessKey)}`,',
    to: '`export AWS_SECRET_ACCESS_KEY=${creds.SecretAccessKey}`,',
    breaks: 'a secret holding shell characters is not quoted in the env format',
    tests: ['tests/unit/output/records.test.ts', 'tests/unit/credentials/create.test.ts', 'tests/unit/credentials/rotate-key.test.ts'],
  },
  {
    id: 'policy-refresh-not-reported',
    file: 'src/services/credentials/user-steps.ts',
    from: "description: `${already ? 'refresh' : 'add'} inline policy ${policyName} of user ${userName}`,",
    to: 'description: `add inline policy ${policyName} of user ${userName}`,',
    breaks: 'the plan says it adds a policy it only refreshes (the dry run misleads)',
    tests: ['tests/unit/credentials/user-steps.test.ts', 'tests/unit/credentials/create-rollback.test.ts'],
  },
];

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, CI: '' }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function copyTree() {
  const dir = mkdtempSync(join(tmpdir(), 's3-share-mutate-'));
  const files = run('git', ['ls-files', '-z'], ROOT).out.split('\0').filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    try {
      cpSync(join(ROOT, f), join(dir, f));
    } catch (err) {
      if (err.code !== 'ENOENT') throw err; // deleted in the working tree, not yet committed
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function jest(dir, tests) {
  const build = run('node', ['scripts/build.mjs'], dir);
  if (build.code !== 0) return { code: build.code, out: build.out };
  return run('node', ['node_modules/.bin/jest', '--silent', '--ci', '--runTestsByPath', ...tests], dir);
}

function lastLines(text, n) {
  return text.trim().split('\n').slice(-n).join('\n');
}

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((id) => !MUTATIONS.some((m) => m.id === id));
if (unknown.length) {
  console.error(`error: unknown mutation ${unknown.join(', ')}: see node scripts/mutate.mjs --list`);
  process.exit(2);
}
const chosen = wanted.length ? MUTATIONS.filter((m) => wanted.includes(m.id)) : MUTATIONS;
if (args.includes('--list')) {
  for (const m of chosen) console.log(`${m.id.padEnd(28)} ${m.file}: ${m.breaks}`);
  process.exit(0);
}

const dir = copyTree();
console.error(`scratch copy: ${dir}`);
const started = Date.now();
const results = [];
try {
  const allTests = [...new Set(chosen.flatMap((m) => m.tests))];
  console.error(`baseline: ${allTests.length} test files on the unmutated copy...`);
  const base = jest(dir, allTests);
  if (base.code !== 0) {
    console.error(
      `error: the tests fail without any mutation, so no result would mean anything: fix them first\n${lastLines(base.out, 30)}`,
    );
    process.exit(1);
  }
  for (const m of chosen) {
    const path = join(dir, m.file);
    const original = readFileSync(path, 'utf8');
    const count = original.split(m.from).length - 1;
    let verdict;
    let seconds = 0;
    if (count !== 1) {
      verdict = 'STALE';
      console.error(`${m.id}: the original text occurs ${count} times in ${m.file} (want exactly 1)`);
    } else {
      writeFileSync(path, original.replace(m.from, m.to));
      const t0 = Date.now();
      try {
        const r = jest(dir, m.tests);
        verdict = r.code === 0 ? 'SURVIVED' : 'KILLED';
        const failed = [...r.out.matchAll(/^FAIL\s+(?:\S+\s+)?(\S+)/gm)].map((x) => x[1]);
        if (verdict === 'KILLED') m.by = [...new Set(failed)].join(', ') || 'build or run error';
      } finally {
        writeFileSync(path, original);
      }
      seconds = (Date.now() - t0) / 1000;
    }
    results.push({ ...m, verdict, seconds });
    console.log(`${verdict.padEnd(8)} ${m.id.padEnd(28)} ${seconds.toFixed(1).padStart(5)} s  ${m.by ? `by ${m.by}` : m.breaks}`);
  }
} finally {
  if (keep) console.error(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
const killed = results.filter((r) => r.verdict === 'KILLED').length;
const survived = results.filter((r) => r.verdict === 'SURVIVED');
const stale = results.filter((r) => r.verdict === 'STALE');
console.log(
  `\n${results.length} mutations: ${killed} killed, ${survived.length} survived, ${stale.length} stale ` +
    `(${((Date.now() - started) / 60000).toFixed(1)} min)` +
    (survived.length ? `\nsurvived: ${survived.map((r) => r.id).join(', ')}` : '') +
    (stale.length ? `\nstale: ${stale.map((r) => r.id).join(', ')}` : ''),
);
process.exitCode = killed === results.length ? 0 : 1;
