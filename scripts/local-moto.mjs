// Starts the test launcher (tests/support/moto_server.py) on a free loopback port, for the demo
// and the benchmarks (plain node; the jest suites use tests/support/moto.ts). With enforce, IAM
// policies are enforced and an admin user is bootstrapped with the 3 unauthenticated requests.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { spawn } from 'node:child_process';

const LAUNCHER = new URL('../tests/support/moto_server.py', import.meta.url).pathname;

export async function startLocalMoto({ enforce = true } = {}) {
  const child = spawn('python3', [LAUNCHER, '0', '--exit-on-stdin-eof', ...(enforce ? [] : ['--no-iam'])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-2000)));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('moto_server did not start within 30 s')), 30_000);
    child.stdout.on('data', (c) => {
      out += c;
      const m = /ready on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`moto_server exited (${code}): is moto installed? ${stderr}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let admin = { accessKeyId: 'bench', secretAccessKey: 'bench-secret' };
  if (enforce) {
    const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bootstrap', secretAccessKey: 'bootstrap' }, maxAttempts: 1 });
    await iam.send(new CreateUserCommand({ UserName: 'admin' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'admin',
        PolicyName: 'admin-all',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'admin' }));
    admin = { accessKeyId: AccessKey.AccessKeyId, secretAccessKey: AccessKey.SecretAccessKey };
    iam.destroy();
  }
  return {
    endpoint,
    admin,
    /** Closing stdin lets the launcher exit cleanly; a signal only if it has not within 5 s. */
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
