// The default policy: short and tight, because every warning not worth a second look teaches people to
// ignore the next one. Paths catch files that are risky by what they are; content patterns (matched against
// added lines only) catch risky logic in generically named files; excludes keep tests, docs and generated
// code out. Measured against real histories in `npm run bench -- risk`.
import type { Policy, RiskCategory } from './types';

/** Files whose content is read for content patterns when a category does not say: source code and SQL. */
export const SOURCE_FILES = [
  '**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts,vue,svelte,py,rb,rake,php,go,java,kt,kts,scala,cs,fs,rs,swift,ex,exs,erl,clj,dart,lua,pl,sql,prisma,graphql}',
];

/** Never risky: tests, fixtures, docs, translations, assets, vendored and generated code. */
const IGNORE = [
  '**/{test,tests,spec,specs,__tests__,__mocks__,e2e,cypress,playwright,testdata,test-data,fixtures,__fixtures__,factories,__snapshots__}/**',
  '**/*.{test,spec,e2e,stories,story}.*',
  '**/{test_*.py,*_test.py,*_test.go,*_spec.rb,*_test.rb,conftest.py}',
  '**/*.snap',
  '**/{docs,doc,documentation}/**',
  '**/*.{md,mdx,rst,adoc}',
  '**/{CHANGELOG,CHANGES,HISTORY,LICENSE,NOTICE}*',
  '**/{locales,locale,i18n,translations,lang}/**',
  '**/*.{po,pot,mo,xliff}',
  '**/*.{png,jpg,jpeg,gif,svg,ico,webp,avif,woff,woff2,ttf,otf,eot,mp4,webm,mp3,pdf}',
  '**/*.{css,scss,sass,less}',
  '**/{vendor,node_modules,dist,build,coverage,generated,__generated__,.next,.nuxt}/**',
  '**/*.{min.js,min.css,map,generated.*,pb.go}',
  '**/*_pb2.py',
];

const category = (c: Omit<RiskCategory, 'exclude'> & { exclude?: string[] }): RiskCategory => ({ exclude: [], ...c });

export const DEFAULT_CATEGORIES: RiskCategory[] = [
  category({
    id: 'auth',
    title: 'Authentication and sessions',
    paths: [
      '**/{auth,authn,authentication,oauth,oauth2,openid,oidc,saml,sso,sessions,login,logout,signin,sign-in,signup,sign-up,passwords,passkeys,webauthn,two-factor,two_factor,2fa,mfa,otp,totp,jwt,identity}/**',
      '**/*auth.*',
      '**/{auth,oauth,session,sessions,login,logout,signin,password,passwords,passkey,passkeys,jwt,webauthn,totp,otp,mfa,two_factor,csrf,devise}{.,_,-}*',
      '**/*{_,-}{auth,session,sessions,login,password,passwords,passkey,jwt,token,tokens,totp,otp,mfa,csrf}{.,_,-}*',
      '**/*{session,sessions,login,password,passwords,passkey,totp,mfa,csrf}.*',
    ],
    content: [
      '\\b(?:authenticate|authenticates|authenticated_user|authenticate_user|unauthenticated|login_required|login_user|logout_user|require_login|reset_session|sign_in|sign_out|signIn|signOut|getServerSession|getServerAuthSession|current_user\\s*=|Current\\.(?:user|session)\\s*=)\\b',
      '\\b(?:bcrypt|argon2|scrypt|pbkdf2|has_secure_password|password_digest|check_password|set_password|make_password|hashpw|verify_password|compare_digest|secure_compare|timingSafeEqual)\\b',
      '\\b(?:jwt|jsonwebtoken|jose)\\W+(?:sign|verify|decode|encode)\\b|\\bverifyJwt\\b|\\bsignJwt\\b',
      '\\b(?:session|sessions|req\\W+session|request\\W+session)\\W+(?:expire|expires|expires_at|expiresAt|ttl|maxAge|max_age|timeout|destroy|invalidate|regenerate|revoke)\\b',
      '\\b(?:cookies\\W+(?:signed|encrypted|permanent)|set_cookie|setCookie|httpOnly|httponly|sameSite|samesite)\\b',
      '\\b(?:totp|webauthn|passkey|otp_secret|two_factor|twoFactor|mfa|verify_otp|verifyOtp|recovery_codes?)\\b',
      '\\b(?:access_token|refresh_token|accessToken|refreshToken|api_key|apiKey|id_token|idToken)\\W+(?:expire|expires|expiresAt|expires_at|verify|validate|revoke|rotate|hash|digest|compare)\\b',
      '\\b(?:OAuth2?Client|oauth_callback|omniauth|passport\\W+(?:use|authenticate)|NextAuth|next-auth|authOptions|devise)\\b',
      // Generating secrets and tokens: how guessable a login or API token is.
      '\\b(?:os\\W+urandom|secrets\\W+token_(?:urlsafe|hex|bytes)|SecureRandom|randomBytes|has_secure_token|generate_token|get_random_string)\\b',
    ],
    review: true,
    requiredChecks: ['test'],
  }),
  category({
    id: 'payments',
    title: 'Payments and billing',
    paths: [
      '**/{billing,payments,payment,checkout,invoices,invoice,subscriptions,stripe,paddle,braintree,paypal,refunds,payouts,pricing,plans,ee/billing}/**',
      '**/*{billing,payment,checkout,invoice,stripe,subscription,refund,payout,braintree,paddle,paypal}*.*',
    ],
    content: [
      '\\b(?:stripe|Stripe|braintree|Braintree|paypal|PayPal|paddle|Paddle|lemonsqueezy|adyen|Adyen|chargebee|recurly|mollie|razorpay|square\\W+payments)\\b',
      '\\b(?:checkout_session|checkoutSession|payment_intent|paymentIntent|PaymentIntent|setup_intent|setupIntent|price_id|priceId|payment_method|paymentMethod|billing_portal|billingPortal|customer_portal|customerPortal)\\b',
      '\\b(?:charge|charges|refund|refunds|payout|payouts|invoice|invoices|subscription|subscriptions)\\W+(?:create|update|cancel|capture|retrieve|list|delete|finalize|pay|void)\\b',
      '\\b(?:amount_cents|amount_in_cents|amountInCents|unit_amount|unitAmount|price_cents|total_cents|Money\\W+new|to_money)\\b',
      '\\b(?:trialing|on_trial|trial_(?:ends?_at|started_at|end|days|period|remaining\\w*)|cancel_subscription|cancelSubscription|create_subscription|createSubscription|update_subscription|updateSubscription|subscription_status|subscriptionStatus|trial_end|trialEnd|trial_ends_at|current_period_end|currentPeriodEnd|plan_id|planId|seat_count|seatCount|billing_cycle|billingCycle)\\b',
    ],
    review: true,
    requiredChecks: ['test'],
  }),
  category({
    id: 'migrations',
    title: 'Migrations and schema',
    paths: [
      '**/db/migrate/**',
      '**/{migrations,migration,migrate}/**',
      '**/alembic/versions/**',
      '**/prisma/migrations/**',
      '**/*.prisma',
      '**/db/{schema.rb,structure.sql}',
      '**/{schema,structure}.sql',
      '**/db/changelog/**',
      '**/liquibase/**',
      '**/drizzle/**/*.sql',
    ],
    content: [
      '\\b(?:create|alter|drop|rename)\\s+(?:table|column|index|schema|type)\\b',
      '\\b(?:add_column|remove_column|rename_column|change_column|create_table|drop_table|rename_table|add_index|remove_index|add_reference|add_foreign_key|change_column_null|change_column_default)\\b',
      '\\bmigrations\\W+(?:AddField|RemoveField|AlterField|RenameField|CreateModel|DeleteModel|RenameModel|AddIndex|RemoveIndex|AddConstraint|RunSQL|RunPython)\\b',
      '\\b(?:addColumn|dropColumn|renameColumn|createTable|dropTable|alterTable|createIndex|dropIndex)\\b',
    ],
    // Schema statements count in SQL and migration-shaped code only: application code that merely mentions them does not.
    contentPaths: ['**/*.{sql,rb,py,ts,js,php,go,java,kt}'],
    review: true,
    requiredChecks: ['test'],
    requiredCheckPattern: 'migrat',
  }),
  category({
    id: 'permissions',
    title: 'Permissions and access control',
    paths: [
      '**/{policies,permissions,permission,roles,rbac,acl,acls,abilities,authorization,authz,guards,iam}/**',
      '**/*{_policy,policy,-policy}.{rb,py,ts,js,php,go,java,kt,cs}',
      '**/{ability,abilities}.rb',
      '**/*{permission,rbac,authoriz}*.*',
      '**/{role,roles,user_role,user_roles,member_role,member_roles,acl,acls}.*',
      '**/{firestore,storage,database}.rules',
    ],
    content: [
      '\\b(?:authorize|authorize!|authorized\\?|can\\?|cannot\\?|policy_scope|verify_authorized|has_perm|has_perms|has_permission|hasPermission|hasRole|has_role|permission_required|permission_classes|PermissionDenied|ForbiddenError|Forbidden|NotAuthorized|Unauthorized|forbidden!|require_admin|requireAdmin|admin_required|staff_member_required|is_superuser|super_admin|is_staff|is_admin|isAdmin|superadmin|canAccess|can_access|can_manage|canManage|can_edit|canEdit|can_view|canView)\\b',
      '\\b(?:role|roles|access_level|accessLevel|permission|permissions)\\s*(?:===?|!==?|in|\\.(?:includes|include\\?|has|some|every))',
      '\\b(?:enable\\s+row\\s+level\\s+security|create\\s+policy|alter\\s+policy|grant\\s+(?:select|insert|update|delete|all|usage)|revoke\\s+(?:select|insert|update|delete|all|usage))\\b',
    ],
    review: true,
    requiredChecks: ['test'],
  }),
  category({
    id: 'infra',
    title: 'Production, deploy and CI',
    paths: [
      '.github/workflows/**',
      '.github/actions/**',
      '{.gitlab-ci.yml,.circleci/**,.buildkite/**,Jenkinsfile,bitbucket-pipelines.yml,.drone.yml,azure-pipelines.yml,cloudbuild.yaml}',
      '**/{Dockerfile,Dockerfile.*,*.dockerfile,Containerfile}',
      '**/{docker-compose,compose}*.{yml,yaml}',
      '**/*.{tf,tfvars,hcl}',
      '**/{terraform,k8s,kubernetes,helm,charts,deploy,deployment,deployments,infra,infrastructure,ansible,pulumi,cloudformation,.kamal}/**',
      '**/{Procfile,fly.toml,render.yaml,vercel.json,netlify.toml,app.yaml,app.json,serverless.yml,serverless.yaml,wrangler.toml,railway.json,railway.toml,nixpacks.toml}',
      '**/config/deploy.yml',
      '**/config/environments/production.rb',
      '**/{settings/production.py,settings_prod.py,production.py}',
      '**/{deploy,release}{.sh,.py,.rb,.js,.ts,-*.sh,_*.sh}',
      '**/nginx*.conf',
    ],
    content: [],
    review: true,
    requiredChecks: [],
  }),
  category({
    id: 'secrets',
    title: 'Secrets and credentials',
    paths: [
      '**/.env',
      '**/.env.*',
      '**/*.{pem,key,p12,pfx,jks,keystore,kdbx,asc,gpg}',
      '**/{id_rsa,id_dsa,id_ecdsa,id_ed25519}*',
      '**/{credentials,credentials.*,secrets.*,*.secret,*.secrets,master.key,.npmrc,.pypirc,.netrc,service-account*.json}',
    ],
    content: [
      '-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY',
      '\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b',
      '\\b(?:sk|rk)_live_[0-9a-zA-Z]{16,}',
      '\\bgh[pousr]_[A-Za-z0-9]{36,}',
      '\\bxox[baprs]-[A-Za-z0-9-]{10,}',
      '\\bAIza[0-9A-Za-z_-]{35}\\b',
      '\\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}',
      '\\b(?:password|passwd|secret|api_?key|access_?key|private_?key|auth_?token|client_secret)["\']?\\s*[:=]\\s*["\'][^"\'\\s$<{]{12,}["\']',
    ],
    // Secret-looking literals count anywhere except examples and templates.
    contentPaths: ['**'],
    exclude: ['**/.env.{example,sample,template,dist,defaults}', '**/*.{example,sample,template}', '**/*.pub'],
    review: true,
    requiredChecks: [],
  }),
  category({
    id: 'dependencies',
    title: 'Dependencies',
    paths: [
      '**/{package-lock.json,npm-shrinkwrap.json,yarn.lock,pnpm-lock.yaml,bun.lock,bun.lockb,Pipfile.lock,poetry.lock,uv.lock,pdm.lock,go.sum,Cargo.lock,Gemfile.lock,composer.lock,packages.lock.json,Podfile.lock,mix.lock,pubspec.lock}',
      '**/{package.json,Pipfile,pyproject.toml,go.mod,Cargo.toml,Gemfile,composer.json,pom.xml,build.gradle,build.gradle.kts,libs.versions.toml,Package.swift,Podfile,mix.exs,pubspec.yaml,*.gemspec,*.csproj}',
      '**/requirements{,-*,_*,/*}.{txt,in}',
    ],
    content: [],
    // A lockfile bump alone is routine: listed, but it opens no review.
    review: false,
    requiredChecks: ['test'],
  }),
];

export const DEFAULT_POLICY: Policy = {
  version: 1,
  mode: 'advisory',
  protectedBranches: ['main', 'master', 'release/*', 'production'],
  ignore: IGNORE,
  categories: DEFAULT_CATEGORIES,
};
