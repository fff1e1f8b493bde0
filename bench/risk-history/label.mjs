// My labels: which commits truly change auth/permissions, payments or migrations. Per-repo knowledge of
// where each app keeps that logic, read from its tree and the review sheets; changed lines (added AND
// removed) of server-side code; plus hand corrections for commits I read in full (OVERRIDES).
import { readFileSync, writeFileSync } from 'node:fs';
const TEST = /(^|\/)(test|tests|spec|e2e|app-tests|fixtures|__tests__)\/|\.(test|spec)\.[jt]sx?$|_test\.rb$|(^|\/)tests?\.py$|(^|\/)test_\w+\.py$/;
const REPOS = {
  maybe: {
    server: (p) => /\.(rb|rake)$/.test(p) && !/^(app\/views|app\/components|app\/models\/demo|db\/seeds|lib\/tasks\/demo)/.test(p) && !p.startsWith('db/'),
    migration: (p) => /^db\/migrate\//.test(p),
    schema: (p) => p === 'db/schema.rb',
    authPath: /^app\/controllers\/(sessions|registrations|password_resets|passwords|mfa|email_confirmations|impersonation_sessions|invitations|oidc_accounts|api\/v1\/auth)_controller\.rb$|^app\/controllers\/concerns\/(authentication|api_authentication|impersonatable|invitable)\.rb$|^app\/models\/(session|api_key|mobile_device|impersonation_session\w*|invitation|oidc_identity)\.rb$|^config\/initializers\/(doorkeeper|omniauth|rack_attack)\.rb$/,
    authLine: /password|\botp|mfa|Current\.session|session\[|sessions?\.(create|destroy|find)|authenticat|doorkeeper|api_key|refresh_token|impersonat|sign_in|sign_out|log_in|log_out|oauth/i,
    payPath: /^app\/models\/(subscription|stripe\w*)\.rb$|subscriptions_controller|^app\/models\/provider\/stripe|^app\/models\/family\/subscribeable\.rb$|billings?_controller/,
    payLine: /stripe|subscription|subscribed|\btrial|billing|checkout|paid_until|upgrade/i,
    permLine: /require_admin|admin\?|super_admin|\brole\b|authorize|ensure_\w*admin|:forbidden|forbidden|member\?/i,
  },
  documenso: {
    server: (p) => /\.(ts|tsx)$/.test(p) && /^(packages\/(lib|trpc|api|auth|ee|prisma|signing)\/|apps\/remix\/server\/)/.test(p) && !/translations|\/client-only\//.test(p),
    migration: (p) => /^packages\/prisma\/migrations\//.test(p),
    schema: (p) => /schema\.prisma$/.test(p),
    authPath: /^packages\/auth\/|^packages\/lib\/server-only\/(auth|2fa)\/|^packages\/lib\/next-auth\/|^packages\/lib\/server-only\/user\/(forgot-password|reset-password|update-password|create-user|verify-email|send-confirmation-token)|passkey|api-token|^packages\/api\/v1\/middleware\/|^packages\/lib\/server-only\/public-api\//,
    authLine: /getServerSession|getSession\(|password|passkey|twoFactor|authenticat\w*|apiToken|api_token|\bjwt\b|oauth|signIn\(|signOut\(|csrf|verificationToken|webauthn/i,
    payPath: /^packages\/ee\/server-only\/(stripe|limits)\/|^packages\/lib\/server-only\/(subscription|billing)\/|billing|stripe/,
    payLine: /stripe|subscription|billing|priceId|planId|checkout|\bclaims?\b|organisationClaim|seat|\btrial|isPaid|paid/i,
    permLine: /canExecute\w*|ROLE_PERMISSIONS|MemberRole|permission|visibility|isAdmin|Role\.ADMIN|UNAUTHORIZED|FORBIDDEN|buildTeamWhereQuery|buildOrganisationWhereQuery|getHighestRole/,
  },
  healthchecks: {
    server: (p) => /\.py$/.test(p) && /^hc\//.test(p) && !/\/migrations\//.test(p),
    migration: (p) => /\/migrations\/\d+.*\.py$/.test(p),
    schema: () => false,
    authPath: /^hc\/accounts\/(backends|middleware|decorators)\.py$|^hc\/api\/decorators\.py$|^hc\/lib\/webauthn\.py$/,
    authLine: /login|password|totp|webauthn|authenticat|api_key|signup|magic_link|credential|require_sudo|sudo_mode/i,
    payPath: /^hc\/payments\/(?!templates)/,
    payLine: /subscription|billing|braintree|\bplan\b|plan_id|invoice|payment|\bpaid|price|credit_card|sms_limit|team_limit|check_limit|ping_log_limit/i,
    permLine: /is_superuser|is_staff|\brole\b|readonly|read_only|Member\.objects|PermissionDenied|HttpResponseForbidden|_get_project_for_user|_get_check_for_user|_get_rw_check_for_user|forbid/i,
  },
};
// Commits I read in full whose keyword reading is wrong: id prefix → categories ([] = not risky).
const OVERRIDES = {
  maybe: {
    '3f92fe0f': [], // API rate limits for self-hosting: throttling, not authentication
    'd21e3859': [], 'aecb5aaf': [], '03a14622': [], // Plaid access tokens: bank-data sync, not our users' auth
    '6331788b': [], '83bee295': [], // Intercom custom data includes a "role" string
    '5cf758bd': [], // assistant message role
    '2f6b11c1': ['auth', 'migrations'], // AI chat: new api_key handling plus migrations
    '4d3c7102': [], // Active Record encryption config for self-hosting: configuration, not auth logic
    '65329b33': [], 'dab693d7': [], '9fabcf4c': [], '9627a6bf': [], 'fa024805': [], 'a4874815': [], '763e222c': [], // labels, logging, UI
  },
  documenso: {
    '914e3254': [], 'e8ed1c3d': [], 'ecc98fbd': [], 'd2f60b13': [], '9da2db2e': [], 'bc184d44': [], '5d92aaf2': [], 'e3b7a9e7': [],
    '48fb066b': [], '0b605d61': [], 'c4754553': [], '0d65693d': [], 'e222a872': [], 'f6675166': [], '6ec67d1c': [], 'bc82b2e7': [],
    '536142be': [], 'd304d872': [], 'a71c4457': [], 'a5ef1d23': [], // docs, rendering, storage, search, admin listings, logging
    '690491c3': ['auth'], 'aebb5e20': ['auth'], '3249f855': ['auth'], 'a5fd814f': ['auth'], 'af346b17': ['permissions'], // read among the policy's flags: 2FA, signing auth, sign-in captcha, share tokens, role editing
    '617f8cc2': ['payments'], '15549a67': ['payments'], '8448e333': ['payments'], '50006ca0': ['payments'], // plan entitlements and quotas
  },
  healthchecks: {
    'b9a24a21': [], '8b01acef': [], '827939de': [], 'ba699519': [], '96e00df0': [], '2a7a7e02': [], 'bef71c0a': [], 'a62350cd': [],
    '47d93c25': [], '20b046cb': [], '6a1c5dd3': [], 'c4543bce': [], '6bf6ab64': [], 'e76329a3': [], 'bc56da1d': [], 'edb8b88d': [], 'caa6b275': [],
    // integrations' OAuth flows, admin screens, API fields, account clean-up: not our users' auth, billing or access
    '5dafc07c': ['auth', 'permissions'], '182f9e11': ['auth'], '48d12ac6': ['auth'], '0b68393b': ['auth'], 'bf139580': ['auth'], '9a9ec547': ['auth'],
  },
};
const name = process.argv[2];
const R = REPOS[name];
const cs = JSON.parse(readFileSync(`${name}.raw.json`, 'utf8'));
const labelled = cs.map((c) => {
  const cats = new Set();
  for (const f of c.files) {
    if (TEST.test(f.p)) continue;
    const changed = [...f.l, ...f.r].filter((l) => l.trim() && l.length < 500);
    if (R.migration(f.p) && changed.length) cats.add('migrations');
    if (R.schema(f.p) && changed.some((l) => !/ActiveRecord::Schema|version:|^\s*(\/\/|#)/.test(l))) cats.add('migrations');
    if (!R.server(f.p)) continue;
    const code = changed.filter((l) => !/^\s*(#|\/\/|\*|\/\*)/.test(l));
    if (R.authPath.test(f.p) && code.length) cats.add('auth');
    if (R.payPath.test(f.p) && code.length) cats.add('payments');
    if (code.some((l) => R.authLine.test(l) && !/plaid|access_token.*plaid/i.test(l))) cats.add('auth');
    if (code.some((l) => R.payLine.test(l))) cats.add('payments');
    if (code.some((l) => R.permLine.test(l))) cats.add('permissions');
  }
  const key = Object.keys(OVERRIDES[name]).find((k) => c.id.startsWith(k));
  const categories = key ? OVERRIDES[name][key] : [...cats].sort();
  return { ...c, label: { risky: categories.length > 0, categories } };
});
writeFileSync(`${name}.labelled.json`, JSON.stringify(labelled));
const n = labelled.filter((c) => c.label.risky).length;
console.log(name, `${n}/${labelled.length} risky`, JSON.stringify(labelled.flatMap((c) => c.label.categories).reduce((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {})));
