process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// `npm run bench`: every benchmark, each reported as a ratio against a reference measured in the
// same run. A missed target is reported, not thrown: benchmarks inform, tests decide. Every timed
// run's work is checked afterwards (records, objects, bytes, skips); a run that exited 0 without
// doing its work makes its benchmark INVALID (no ratio) and the exit code 1.
import { benchAccess } from './access.mjs';
import { benchListUserPolicies } from './list-user-policies.mjs';
import { benchStartup } from './startup.mjs';
import { benchSync } from './sync.mjs';

const only = process.argv[2];
const benches = { startup: benchStartup, 'list-user-policies': benchListUserPolicies, sync: benchSync, access: benchAccess };
benches.clients = (await import('./clients.mjs')).benchClients;
const results = [];
for (const [name, fn] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`# ${name}`);
  results.push(...(await fn()));
}
const invalid = results.filter((r) => r.invalid).length;
console.log(`\n${results.filter((r) => r.pass).length} of ${results.length} targets met${invalid ? `, ${invalid} INVALID` : ''}`);
// A missed target is information; an invalid run means the benchmark itself is broken.
if (invalid) process.exitCode = 1;
