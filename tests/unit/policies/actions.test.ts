import { UsageError } from '../../../src/errors';
import { loadIamCatalogue, validateActions } from '../../../src/policies/actions';
import { validatePolicyShape, type PolicyDocument, type PolicyKind } from '../../../src/policies/documents';
import { ACCESS_MODES, BUILT_IN_TEMPLATES } from '../../../src/policies/templates';

const withActions = (...actions: string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Mine', Effect: 'Allow', Action: actions, Resource: '*' }],
});

async function actionError(doc: PolicyDocument): Promise<string> {
  try {
    await validateActions(doc, await loadIamCatalogue(), 'p.json');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('the built-in templates against the IAM action catalogue', () => {
  const files: Array<[string, unknown, PolicyKind]> = [['public-bucket', BUILT_IN_TEMPLATES['public-bucket'], 'resource']];
  for (const mode of ACCESS_MODES) {
    files.push([`${mode}`, BUILT_IN_TEMPLATES[mode].bucket, 'identity'], [`${mode}-prefix`, BUILT_IN_TEMPLATES[mode].prefix, 'identity']);
  }

  it('covers all seven template files', () => {
    expect(files).toHaveLength(7);
  });

  it.each(files)('%s names only real actions', async (name, file, kind) => {
    const doc = validatePolicyShape(file, kind, name);
    await expect(validateActions(doc, await loadIamCatalogue(), name)).resolves.toBeUndefined();
  });
});

describe('validateActions', () => {
  it.each([
    ['*'],
    ['s3:*'],
    ['s3:Get*'],
    ['s3:Get?bject'],
    ['S3:getobject'],
    ['s3:GETOBJECT'],
    ['iam:PassRole'],
    ['vpc-lattice:AssociateViaAWSService-EventsAndStates'],
    ['s3:*Object*'],
  ])('accepts %s', async (action) => {
    await expect(validateActions(withActions(action), await loadIamCatalogue(), 'p.json')).resolves.toBeUndefined();
  });

  it('checks NotAction the same way', async () => {
    const doc: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', NotAction: ['s3:GetObject', 's3:GetObjectz'], Resource: '*' }],
    };
    expect(await actionError(doc)).toBe(
      'p.json statement 1 has NotAction "s3:GetObjectz", which is not a known s3 action: did you mean "s3:GetObject"?',
    );
  });

  it.each([
    [
      's3:GetObjects',
      /^p\.json statement 1 \(Sid Mine\) has Action "s3:GetObjects", which is not a known s3 action: did you mean "s3:GetObject"\?$/,
    ],
    ['s3:putobjct', /which is not a known s3 action: did you mean "s3:PutObject"\?/],
    [
      's3:CompletelyMadeUp',
      /"s3:CompletelyMadeUp", which is not a known s3 action: check the name in the AWS Service Authorization Reference$/,
    ],
    ['s3:Fetch*', /has Action "s3:Fetch\*", which matches no s3 action: check the pattern/],
    ['s4:GetObject', /has Action "s4:GetObject": there is no AWS service "s4"; did you mean "s3"\?/],
    ['nosuchservicezzz:Get', /there is no AWS service "nosuchservicezzz": check the service prefix/],
    ['GetObject', /has Action "GetObject", which has no service prefix: write it as "service:Action", such as "s3:GetObject"/],
    ['s3:', /has Action "s3:": an action name has only letters, digits and the wildcards \* and \?, check it/],
    ['s3:Get Object', /an action name has only letters, digits and the wildcards/],
  ])('rejects %s', async (action, expected) => {
    expect(await actionError(withActions('s3:GetObject', action))).toMatch(expected);
  });

  it('loads the catalogue once', async () => {
    expect(loadIamCatalogue()).toBe(loadIamCatalogue());
  });
});
