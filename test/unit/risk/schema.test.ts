import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY } from '../../../src/core/risk/policy';
import { defaultPolicyText } from '../../../src/core/risk/load';

const root = join(__dirname, '..', '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'policy.schema.json'), 'utf8')) as object;

// ajv is what VS Code's JSON language service is modelled on; it is in node_modules through @vscode/vsce.
type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params: Record<string, unknown> }[] | null };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Ajv = require('ajv') as new (o: object) => { compile(s: object): Validate };
const validate = new Ajv({ allErrors: true, formats: { regex: (s: string) => { try { new RegExp(s); return true; } catch { return false; } } } }).compile(schema);

test('the default policy, as Create policy writes it, validates against the schema', () => {
  assert.equal(validate(JSON.parse(defaultPolicyText())), true, JSON.stringify(validate.errors));
  assert.equal(validate(DEFAULT_POLICY), true);
});

test('the schema rejects a typo in a key, a wrong type, an unknown mode and a bad check kind', () => {
  assert.equal(validate({ version: 1, categorys: [] }), false);
  assert.equal(validate.errors?.[0]?.params.additionalProperty, 'categorys');
  assert.equal(validate({ mode: 'strict' }), false);
  assert.equal(validate({ categories: [{ id: 'auth', paths: 'src/**' }] }), false);
  assert.equal(validate({ categories: [{ id: 'auth', requiredChecks: ['tests'] }] }), false);
  assert.equal(validate({ categories: [{ id: 'auth', reveiw: true }] }), false);
  assert.equal(validate({ categories: [{ id: 'auth', content: ['(unclosed'] }] }), false);
  assert.equal(validate({ deploy: { acceptTeamChecks: true } }), true, 'deploy.acceptTeamChecks is known to the schema');
  assert.equal(validate({ deploy: { acceptTeamChecks: 'yes' } }), false);
});

test('package.json contributes the schema for .flightdeck/policy.json, the .vsix ships it, and Create policy is in the palette', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    contributes: { jsonValidation: { fileMatch: string; url: string }[]; commands: { command: string; category: string }[]; menus: { commandPalette: { command: string; when: string }[] } };
  };
  const v = pkg.contributes.jsonValidation.find((j) => j.fileMatch.endsWith('.flightdeck/policy.json'));
  assert.equal(v?.url, './schemas/policy.schema.json');
  const kept = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');
  assert.ok(kept.includes('!schemas/**'), '.vscodeignore leaves the schema out of the .vsix');
  assert.equal(pkg.contributes.commands.find((c) => c.command === 'flightdeck.createPolicy')?.category, 'Flightdeck');
  assert.equal(pkg.contributes.menus.commandPalette.find((c) => c.command === 'flightdeck.createPolicy')?.when, 'isWorkspaceTrusted');
});
