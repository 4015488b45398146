// CI preflight, run before `npm test`: the end-to-end tests need moto's server, so check that it
// imports, starts, answers on loopback and stops, and say in one line what is wrong if not
// (rather than in the middle of a test run). Uses the tests' own launcher; nothing leaves loopback.
import { spawnSync } from 'node:child_process';
import { isMotoAvailable, startMoto } from '../tests/support/moto.js';

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

/** The first line of a message and, when it has more (a Python traceback), its last line. */
function oneLine(message) {
  const lines = String(message)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.length > 1 ? `${lines[0]} ... ${lines[lines.length - 1]}` : (lines[0] ?? '');
}

if (!isMotoAvailable()) {
  fail('python3 cannot import moto.server and werkzeug.serving: install moto with its server extra (pip install "moto[server]")');
}
let server;
try {
  server = await startMoto({ enforce: true });
} catch (err) {
  fail(`moto_server did not start and answer on loopback: ${oneLine(err.message)}`);
}
await server.stop();
const version = spawnSync('python3', ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8' }).stdout.trim();
console.log(`moto ${version}: moto_server started, answered on ${server.endpoint} with IAM enforcement, and stopped`);
