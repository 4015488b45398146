// The SDK's Node 20 support warning would clutter every test run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Unit tests pass their environment explicitly (fakeIo); the SDK also reads some of these from
// process.env itself, so a developer's own AWS settings must not leak into them.
for (const name of Object.keys(process.env)) {
  if (/^AWS_/.test(name) && name !== 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED') delete process.env[name];
}
