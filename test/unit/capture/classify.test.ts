import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyCheck,
  configChange,
  dependencyChange,
  dependencyCommand,
  type CheckKind,
  type CheckRule,
  type ConfigCategory,
  type DependencyCommand,
} from '../../../src/core/capture/classify';

// [command line, kind, the simple command reported (defaults to the whole line)]
const CHECKS: readonly (readonly [string, CheckKind, string?])[] = [
  // package managers
  ['npm test', 'test'],
  ['npm t', 'test'],
  ['npm tst', 'test'],
  ['npm run test', 'test'],
  ['npm run test:unit -- --grep signup', 'test'],
  ['npm run-script test-e2e', 'test'],
  ['npm run typecheck', 'typecheck'],
  ['npm run type-check', 'typecheck'],
  ['npm run tsc', 'typecheck'],
  ['npm run check-types', 'typecheck'],
  ['npm run lint', 'lint'],
  ['npm run lint:fix', 'lint'],
  ['npm run build', 'build'],
  ['npm run build:production', 'build'],
  ['npm --prefix api test', 'test'],
  ['npm -w packages/web run lint', 'lint'],
  ['npm test --workspaces', 'test'],
  ['pnpm test', 'test'],
  ['pnpm -r test', 'test'],
  ['pnpm --filter web test', 'test'],
  ['pnpm -F web run build', 'build'],
  ['pnpm lint', 'lint'],
  ['pnpm vitest run', 'test'],
  ['yarn test', 'test'],
  ['yarn build', 'build'],
  ['yarn workspace web test', 'test'],
  ['yarn workspaces foreach -A run lint', 'lint'],
  ['yarn tsc --noEmit', 'typecheck'],
  ['bun test', 'test'],
  ['bun run lint', 'lint'],
  // JavaScript tools, directly and through wrappers
  ['vitest', 'test'],
  ['npx vitest run src/a.test.ts', 'test'],
  ['npx --yes jest --ci', 'test'],
  ['./node_modules/.bin/mocha', 'test'],
  ['pnpm exec ava', 'test'],
  ['bunx tap', 'test'],
  ['npm exec -- tsc --noEmit', 'typecheck'],
  ['npx playwright test --project=chromium', 'test'],
  ['xvfb-run -a npx cypress run', 'test'],
  ['node --test', 'test'],
  ['node --import tsx --test test/', 'test'],
  ['node --run test', 'test'],
  ['tsc --noEmit -p .', 'typecheck'],
  ['npx tsc', 'build'],
  ['tsc -b', 'build'],
  ['vue-tsc --noEmit', 'typecheck'],
  ['eslint . --ext .ts', 'lint'],
  ['npx prettier --check .', 'lint'],
  ['biome check src', 'lint'],
  ['npx biome lint', 'lint'],
  ['deno test -A', 'test'],
  ['deno lint', 'lint'],
  ['deno check main.ts', 'typecheck'],
  ['nx run web:test', 'test'],
  ['nx run-many -t lint', 'lint'],
  ['turbo run build', 'build'],
  // other ecosystems
  ['pytest -q tests/', 'test'],
  ['python -m pytest -x', 'test'],
  ['python3 -m unittest discover', 'test'],
  ['uv run pytest', 'test'],
  ['poetry run mypy .', 'typecheck'],
  ['coverage run -m pytest', 'test'],
  ['python manage.py test', 'test'],
  ['tox -e py312', 'test'],
  ['nox', 'test'],
  ['ruff check .', 'lint'],
  ['ruff format --check .', 'lint'],
  ['flake8 src', 'lint'],
  ['pylint app', 'lint'],
  ['mypy src', 'typecheck'],
  ['pyright', 'typecheck'],
  ['go test ./...', 'test'],
  ['go vet ./...', 'lint'],
  ['golangci-lint run', 'lint'],
  ['cargo test', 'test'],
  ['cargo +nightly test --all', 'test'],
  ['cargo nextest run', 'test'],
  ['cargo clippy -- -D warnings', 'lint'],
  ['cargo build --release', 'build'],
  ['cargo check', 'typecheck'],
  ['rubocop -a', 'lint'],
  ['bundle exec rspec spec/models', 'test'],
  ['bundle exec rake test', 'test'],
  ['mvn test', 'test'],
  ['mvn -B clean verify', 'test'],
  ['./mvnw -q package -DskipTests', 'build'],
  ['gradle test', 'test'],
  ['./gradlew :app:testDebugUnitTest', 'test'],
  ['./gradlew build -x test', 'build'],
  ['gradle check', 'test'],
  ['dotnet test', 'test'],
  ['dotnet build -c Release', 'build'],
  ['make test', 'test'],
  ['make check', 'test'],
  ['make -C api lint', 'lint'],
  ['make build', 'build'],
  ['swift test', 'test'],
  ['swift build', 'build'],
  ['phpunit', 'test'],
  ['vendor/bin/phpunit --filter Signup', 'test'],
  ['php artisan test', 'test'],
  // compound lines, prefixes, quoting, redirections
  ['cd api && CI=1 npx vitest run signup', 'test', 'CI=1 npx vitest run signup'],
  ['git add -A && git commit -m "wip" ; npm test', 'test', 'npm test'],
  ['npm install || npm run lint', 'lint', 'npm run lint'],
  ['npm run build && npm test', 'build', 'npm run build'],
  ['npm test 2>&1 | tail -n 20', 'test', 'npm test 2>&1'],
  ['npm test > out.log 2> err.log', 'test', 'npm test > out.log 2> err.log'],
  ['npm test |& tee log.txt', 'test', 'npm test'],
  ['FOO="a b" BAR=1 yarn test', 'test'],
  ['env CI=true npm test', 'test'],
  ['time npm test', 'test'],
  ['sudo -u ci npm test', 'test'],
  ['timeout 300 npx jest', 'test'],
  ['cross-env NODE_ENV=test jest', 'test'],
  ['(cd web && npm run lint)', 'lint', 'npm run lint'],
  ['if npm test; then echo ok; fi', 'test', 'if npm test'],
  ['bash -c "npm test"', 'test', 'npm test'],
  ["sh -lc 'cd web && pnpm lint'", 'lint', 'pnpm lint'],
  ['echo start\nnpm test', 'test', 'npm test'],
  ["echo \"don't\" && npm test", 'test', 'npm test'],
  ['npm \\\n  test', 'test'],
  ['C:\\tools\\npm.cmd test', 'test'],
  ['"npm" test', 'test'],
];

const NOT_CHECKS: readonly string[] = [
  '',
  '   ',
  'npm install',
  'npm i -D vitest',
  'npm ci',
  'npm run dev',
  'npm start',
  'npm run',
  'npm lint', // npm has no such command and runs no script by bare name
  'yarn dev',
  'bun run dev',
  'pnpm install',
  'git status',
  'git commit -m "npm test"',
  'ls -la',
  'cat test.txt',
  'echo test',
  'echo "npm test"',
  "echo 'npm test && tsc'",
  'echo npm test',
  'grep -r test src',
  'grep "npm test" README.md',
  'vim test.ts',
  'node script.js',
  'node script.js --test',
  'python script.py',
  'test -f package.json',
  '[ -f package.json ] && echo ok',
  'npx prettier --write .',
  'ruff format .',
  'tsc --version',
  'playwright install',
  'cypress open',
  'cargo run',
  'cargo add serde',
  'go run .',
  'go mod tidy',
  'mvn dependency:tree',
  'gradle dependencies',
  'dotnet run',
  'make', // the default target is unknown
  'make clean',
  'docker build .',
  'pip install pytest',
  '# npm test',
  'ls # then npm test',
  'cat > notes.md <<EOF\nnpm test\nEOF',
  'cat <<-EOF | head\n\tnpm test\n\tEOF',
  'git commit -m "$(cat <<\'EOF\'\nRun "npm test" first; then tsc && eslint\nEOF\n)"',
  'echo $(npm test)', // command substitutions are opaque
  'echo `npm test`',
  'echo done\\; npm test', // an escaped ; does not end the command
  'constructor',
  'bash script.sh',
  './scripts/test.sh',
];

for (const [line, kind, command] of CHECKS) {
  test(`check: ${JSON.stringify(line)} is ${kind}`, () => {
    assert.deepEqual(classifyCheck(line), { kind, command: command ?? line });
  });
}

for (const line of NOT_CHECKS) {
  test(`not a check: ${JSON.stringify(line)}`, () => {
    assert.equal(classifyCheck(line), undefined);
  });
}

test('after a heredoc, the next line is a command again', () => {
  assert.deepEqual(classifyCheck('cat > a.txt <<EOF\nnpm test\nEOF\nnpm run lint'), { kind: 'lint', command: 'npm run lint' });
  assert.deepEqual(classifyCheck('git commit -m "$(cat <<\'EOF\'\nfix: "quoted" (paren\nEOF\n)" && npm test'), {
    kind: 'test',
    command: 'npm test',
  });
});

// ---------------------------------------------------------------------------------------------
// Extra rules
// ---------------------------------------------------------------------------------------------

const EXTRA_RULES: readonly (readonly [string, readonly CheckRule[], CheckKind | undefined])[] = [
  ['./scripts/check.sh --all', [{ kind: 'test', pattern: '^\\./scripts/check\\.sh\\b' }], 'test'],
  ['make check', [{ kind: 'lint', pattern: '^make check$' }], 'lint'], // rules come before the built-in ones
  ['CI=1 just verify', [{ kind: 'test', pattern: '^just verify$' }], 'test'], // matched without env and wrappers
  ['npx danger ci', [{ kind: 'lint', pattern: '^danger\\b' }], 'lint'],
  ['./verify.sh', [{ kind: 'test', pattern: '(' }, { kind: 'test', pattern: 'verify' }], 'test'], // invalid source skipped
  ['npm test', [{ kind: 'lint', pattern: '[' }], 'test'],
  ['./verify.sh', [{ kind: 'nonsense' as CheckKind, pattern: 'verify' }], undefined],
  ['./verify.sh', [{ kind: 'test', pattern: '' }], undefined], // an empty pattern would match everything
  ['echo "custom-check"', [{ kind: 'test', pattern: '^custom-check' }], undefined],
  ['ls', [{ kind: 'test', pattern: '^custom$' }], undefined],
];

for (const [line, rules, kind] of EXTRA_RULES) {
  test(`extra rules: ${JSON.stringify(line)} with ${JSON.stringify(rules)}`, () => {
    assert.equal(classifyCheck(line, rules)?.kind, kind);
  });
}

test('extra rules: the first simple command that is a check wins, whichever rule names it', () => {
  const rules: CheckRule[] = [{ kind: 'lint', pattern: '^\\./verify\\.sh' }];
  assert.deepEqual(classifyCheck('npm test && ./verify.sh', rules), { kind: 'test', command: 'npm test' });
  assert.deepEqual(classifyCheck('./verify.sh; npm test', rules), { kind: 'lint', command: './verify.sh' });
});

test('extra rules: malformed settings never throw', () => {
  const junk = [null, 42, { kind: 'test' }, { pattern: 'x' }, { kind: 'test', pattern: 7 }] as unknown as CheckRule[];
  assert.doesNotThrow(() => classifyCheck('npm test', junk));
  assert.equal(classifyCheck('npm test', junk)?.kind, 'test');
  assert.equal(classifyCheck('npm test', null as unknown as CheckRule[])?.kind, 'test');
});

// ---------------------------------------------------------------------------------------------
// Dependencies
// ---------------------------------------------------------------------------------------------

const MANIFESTS: readonly string[] = [
  'package.json',
  'packages/web/package.json',
  '/home/ana/repo/apps/api/package.json',
  'C:\\repo\\package.json',
  'requirements.txt',
  'requirements-dev.txt',
  'requirements/base.txt',
  'Pipfile',
  'pyproject.toml',
  'go.mod',
  'services/billing/Cargo.toml',
  'Gemfile',
  'composer.json',
  'pom.xml',
  'build.gradle',
  'app/build.gradle.kts',
  'src/App/App.csproj',
  'Package.swift',
];

const LOCKFILES: readonly string[] = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'Pipfile.lock',
  'poetry.lock',
  'uv.lock',
  'go.sum',
  'Cargo.lock',
  'Gemfile.lock',
  'composer.lock',
  'src\\App\\packages.lock.json',
  'Package.resolved',
  'D:/work/repo/web/yarn.lock',
];

const NOT_DEPENDENCY_FILES: readonly string[] = [
  '',
  'src/package.ts',
  'package.json.bak',
  'docs/requirements.md',
  'tsconfig.json',
  'node_modules/left-pad/package.json',
  'vendor/acme/lib/composer.json',
  '.venv/lib/python3.12/site-packages/x/pyproject.toml',
  'src/lockfile.ts',
  'README.md',
];

for (const path of MANIFESTS) {
  test(`dependency manifest: ${path}`, () => assert.deepEqual(dependencyChange(path), { manifest: true, lockfile: false }));
}
for (const path of LOCKFILES) {
  test(`lockfile: ${path}`, () => assert.deepEqual(dependencyChange(path), { manifest: false, lockfile: true }));
}
for (const path of NOT_DEPENDENCY_FILES) {
  test(`not a dependency file: ${JSON.stringify(path)}`, () => assert.equal(dependencyChange(path), undefined));
}

const DEPENDENCY_COMMANDS: readonly (readonly [string, DependencyCommand])[] = [
  ['npm i lodash', { manager: 'npm', action: 'add', packages: ['lodash'] }],
  ['npm install -D vitest@1 @types/node', { manager: 'npm', action: 'add', packages: ['vitest@1', '@types/node'] }],
  ['npm install', { manager: 'npm', action: 'install', packages: [] }],
  ['npm ci', { manager: 'npm', action: 'install', packages: [] }],
  ['npm uninstall left-pad', { manager: 'npm', action: 'remove', packages: ['left-pad'] }],
  ['npm update', { manager: 'npm', action: 'update', packages: [] }],
  ['npm install -w web --save-exact react', { manager: 'npm', action: 'add', packages: ['react'] }],
  ['pnpm add -D vitest --filter web', { manager: 'pnpm', action: 'add', packages: ['vitest'] }],
  ['pnpm install --frozen-lockfile', { manager: 'pnpm', action: 'install', packages: [] }],
  ['yarn add react@^18', { manager: 'yarn', action: 'add', packages: ['react@^18'] }],
  ['yarn remove moment', { manager: 'yarn', action: 'remove', packages: ['moment'] }],
  ['yarn', { manager: 'yarn', action: 'install', packages: [] }],
  ['yarn workspace web add zod', { manager: 'yarn', action: 'add', packages: ['zod'] }],
  ['bun add hono', { manager: 'bun', action: 'add', packages: ['hono'] }],
  ['pip install requests', { manager: 'pip', action: 'add', packages: ['requests'] }],
  ['pip install -r requirements.txt', { manager: 'pip', action: 'install', packages: [] }],
  ['pip3 install -U pip', { manager: 'pip', action: 'update', packages: ['pip'] }],
  ['python -m pip install "django>=5"', { manager: 'pip', action: 'add', packages: ['django>=5'] }],
  ['pip uninstall -y flask', { manager: 'pip', action: 'remove', packages: ['flask'] }],
  ['poetry add httpx --group dev', { manager: 'poetry', action: 'add', packages: ['httpx'] }],
  ['uv add fastapi', { manager: 'uv', action: 'add', packages: ['fastapi'] }],
  ['uv pip install -r requirements.txt', { manager: 'uv', action: 'install', packages: [] }],
  ['uv sync', { manager: 'uv', action: 'install', packages: [] }],
  ['cargo add serde --features derive', { manager: 'cargo', action: 'add', packages: ['serde'] }],
  ['go get github.com/google/uuid@v1.6.0', { manager: 'go', action: 'add', packages: ['github.com/google/uuid@v1.6.0'] }],
  ['go get -u ./...', { manager: 'go', action: 'update', packages: ['./...'] }],
  ['go mod tidy', { manager: 'go', action: 'install', packages: [] }],
  ['gem install rails', { manager: 'gem', action: 'add', packages: ['rails'] }],
  ['bundle add rspec --group test', { manager: 'bundle', action: 'add', packages: ['rspec'] }],
  ['bundle install', { manager: 'bundle', action: 'install', packages: [] }],
  ['composer require --dev phpunit/phpunit', { manager: 'composer', action: 'add', packages: ['phpunit/phpunit'] }],
  ['dotnet add package Newtonsoft.Json --version 13.0.3', { manager: 'dotnet', action: 'add', packages: ['Newtonsoft.Json'] }],
  ['cd api && sudo -E npm i -g pnpm', { manager: 'npm', action: 'add', packages: ['pnpm'] }],
  ['npm test && npm i zod', { manager: 'npm', action: 'add', packages: ['zod'] }],
];

const NOT_DEPENDENCY_COMMANDS: readonly string[] = [
  'npm test',
  'npm run build',
  'npx create-vite app',
  'echo "npm install lodash"',
  'git commit -m "npm i x"',
  'pip list',
  'pip freeze > requirements.txt',
  'cargo build',
  'go test ./...',
  'brew install jq',
  'apt-get install -y curl',
  'yarn test',
  'bundle exec rspec',
  'dotnet add reference ../lib/lib.csproj',
];

for (const [line, expected] of DEPENDENCY_COMMANDS) {
  test(`dependency command: ${JSON.stringify(line)}`, () => assert.deepEqual(dependencyCommand(line), expected));
}
for (const line of NOT_DEPENDENCY_COMMANDS) {
  test(`not a dependency command: ${JSON.stringify(line)}`, () => assert.equal(dependencyCommand(line), undefined));
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

const CONFIG_FILES: readonly (readonly [string, ConfigCategory])[] = [
  ['.github/workflows/ci.yml', 'ci'],
  ['/home/ana/repo/.github/workflows/release.yaml', 'ci'],
  ['.gitlab-ci.yml', 'ci'],
  ['.circleci/config.yml', 'ci'],
  ['.github/workflows', 'ci'],
  ['azure-pipelines.yml', 'ci'],
  ['Jenkinsfile', 'ci'],
  ['tsconfig.json', 'typescript'],
  ['packages/web/tsconfig.build.json', 'typescript'],
  ['jsconfig.json', 'typescript'],
  ['.env', 'env'],
  ['.env.local', 'env'],
  ['.env.example', 'env'],
  ['apps\\api\\.env.production', 'env'],
  ['Dockerfile', 'docker'],
  ['docker/Dockerfile.dev', 'docker'],
  ['.devcontainer/Dockerfile', 'docker'],
  ['docker-compose.yml', 'docker'],
  ['docker-compose.override.yaml', 'docker'],
  ['compose.yaml', 'docker'],
  ['infra/main.tf', 'infra'],
  ['infra/prod.tfvars', 'infra'],
  ['k8s/deployment.yaml', 'infra'],
  ['deploy/kubernetes/service.yml', 'infra'],
  ['helm/app/values.yaml', 'infra'],
  ['helm/app/templates/_helpers.tpl', 'infra'],
  ['serverless.yml', 'infra'],
  ['fly.toml', 'infra'],
  ['vercel.json', 'infra'],
  ['netlify.toml', 'infra'],
  ['webpack.config.js', 'build'],
  ['vite.config.ts', 'build'],
  ['rollup.config.mjs', 'build'],
  ['esbuild.config.mjs', 'build'],
  ['esbuild.mjs', 'build'],
  ['babel.config.js', 'build'],
  ['.babelrc', 'build'],
  ['vitest.config.ts', 'build'],
  ['Makefile', 'build'],
  ['.eslintrc.json', 'lint'],
  ['.eslintrc', 'lint'],
  ['eslint.config.mjs', 'lint'],
  ['.prettierrc', 'lint'],
  ['.prettierrc.yaml', 'lint'],
  ['biome.json', 'lint'],
  ['.editorconfig', 'editor'],
  ['.vscode/settings.json', 'editor'],
  ['.devcontainer/devcontainer.json', 'editor'],
];

const NOT_CONFIG_FILES: readonly string[] = [
  '',
  'src/env.ts',
  'src/environment.ts',
  'src/config.ts',
  'README.md',
  'docs/Dockerfile.md',
  'src/webpack.ts',
  'src/k8s.yaml',
  'k8s/README.md',
  'src/components/helm.tsx',
  'tsconfig.ts',
  '.github/CODEOWNERS',
  '.github/ISSUE_TEMPLATE/bug.md',
  'node_modules/some-lib/tsconfig.json',
  'package.json',
  'src/makefile.ts',
];

for (const [path, category] of CONFIG_FILES) {
  test(`config: ${path} is ${category}`, () => assert.deepEqual(configChange(path), { category }));
}
for (const path of NOT_CONFIG_FILES) {
  test(`not config: ${JSON.stringify(path)}`, () => assert.equal(configChange(path), undefined));
}
