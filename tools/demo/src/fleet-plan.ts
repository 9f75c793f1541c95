// The demo's fleet: recipes named and tagged like real Co-op Cloud recipes, each chosen to
// show one thing canon does. `before` is what upstream had at last week's sweep; `after`
// is what happened upstream during the week; `expect` is this week's outcome. Last week
// promotes only what this week needs a canonical for (an advance, a rollback, a backport
// older than canonical), because every warm deploy costs the demo seconds.

export type DemoOutcome = 'PROMOTED' | 'GREEN-BUT-PROMOTE-FAILED' | 'FAILED' | 'TIMED-OUT' | 'SKIPPED';

export type DemoRecipe = {
  name: string;
  /** What the recipe shows, in one line for the terminal. */
  shows: string;
  before: string[];
  /** Releases tagged on `main` during the week. */
  after: string[];
  /** A release tagged on a maintenance branch during the week (a backport). */
  backport?: { branch: string; from: string; version: string };
  /** Untagged commits on `main` during the week (never a trigger). */
  untagged?: number;
  /** How the suite behaves for a version: default pass. */
  suite?: Record<string, 'fail' | 'hang'>;
  /** Versions whose warm deploy answers 503. */
  unhealthy?: string[];
  config?: Record<string, unknown>;
  protectedDomain?: boolean;
  /** Shared infrastructure (a tier of its own, promoted live): the release already running on its live domain. */
  infra?: { running: string };
  expect: DemoOutcome;
};

/** The tiers: the proxy every app is served through, then the identity provider, then the apps. */
export const DEMO_TIERS = [
  { name: 'proxy', recipes: ['traefik'] },
  { name: 'idp', recipes: ['keycloak'] },
  { name: 'apps', recipes: '*' },
] as const;

/** The idp's held major, approved by the demo after this week's sweeps. */
export const HELD = { recipe: 'keycloak', version: '26.0.0+26.0.0' } as const;

export const DEMO_RECIPES: readonly DemoRecipe[] = [
  {
    name: 'traefik',
    shows: 'proxy tier, live: 3.1.0 answers 503, so its backup is restored and 3.0.0 redeployed; the apps still run',
    before: ['3.0.0+v3.3.1'],
    after: ['3.1.0+v3.3.5'],
    unhealthy: ['3.1.0+v3.3.5'],
    infra: { running: '3.0.0+v3.3.1' },
    expect: 'GREEN-BUT-PROMOTE-FAILED',
  },
  {
    name: 'keycloak',
    shows: 'idp tier, live and protected: the major 26.0.0 is held until `canon approve`, then advanced',
    before: ['25.0.1+25.0.6'],
    after: [HELD.version],
    protectedDomain: true,
    infra: { running: '25.0.1+25.0.6' },
    config: { hold: { major: true } },
    expect: 'SKIPPED',
  },
  {
    name: 'custom-html',
    shows: 'its first release is tested, deployed warm and seeded as canonical',
    before: [],
    after: ['1.13.0+1.31.1'],
    expect: 'PROMOTED',
  },
  {
    name: 'gitea',
    shows: 'advance 3.5.3 → 3.6.0; a mirror PR already in upstream is closed, the other kept',
    before: ['3.4.1+1.23.8-rootless', '3.5.3+1.24.2-rootless'],
    after: ['3.6.0+1.24.2-rootless'],
    expect: 'PROMOTED',
  },
  {
    name: 'nextcloud',
    shows: 'a backport tagged last (29.0.9) is older than canonical 30.0.1: nothing to do',
    before: ['29.0.8+30.0.5-fpm', '30.0.1+31.0.2-fpm'],
    after: [],
    backport: { branch: 'stable-29', from: '29.0.8+30.0.5-fpm', version: '29.0.9+30.0.6-fpm' },
    expect: 'SKIPPED',
  },
  {
    name: 'lasuite-docs',
    shows: 'never released: commits on main without a tag never trigger a run',
    before: [],
    after: [],
    untagged: 2,
    expect: 'SKIPPED',
  },
  {
    name: 'discourse',
    shows: 'the suite failed last week on 0.7.0 and fails again on 0.7.1: still no canonical',
    before: ['0.7.0+3.4.0'],
    after: ['0.7.1+3.4.1'],
    suite: { '0.7.0+3.4.0': 'fail', '0.7.1+3.4.1': 'fail' },
    expect: 'FAILED',
  },
  {
    name: 'hedgedoc',
    shows: 'the suite of its first release hangs past its 3 s limit: its whole process tree is killed',
    before: [],
    after: ['2.1.0+1.10.3'],
    suite: { '2.1.0+1.10.3': 'hang' },
    config: { test: { timeoutSeconds: 3 } },
    expect: 'TIMED-OUT',
  },
  {
    name: 'matrix-synapse',
    shows: 'suite green but the warm deploy answers 503: rolled back, canonical unchanged',
    before: ['5.1.0+v1.118.0'],
    after: ['5.2.0+v1.120.0'],
    unhealthy: ['5.2.0+v1.120.0'],
    expect: 'GREEN-BUT-PROMOTE-FAILED',
  },
  {
    name: 'mumble',
    shows: 'not enrolled, with the reason from the config',
    before: ['0.2.0+v1.5.634'],
    after: ['0.3.0+v1.5.735'],
    config: { enrolled: false, reason: 'needs UDP on the warm host' },
    expect: 'SKIPPED',
  },
  {
    name: 'authentik',
    shows: 'its warm domain is protected and has no canonical: skipped before its test (`canon adopt` records it)',
    before: ['10.1.0+2025.10.1'],
    after: [],
    protectedDomain: true,
    expect: 'SKIPPED',
  },
];

export const PULLS = {
  recipe: 'gitea',
  contained: { branch: 'docs/rootless', title: 'Document the rootless image', path: 'docs/rootless.md', content: '# Rootless\n\nThis recipe runs gitea as uid 1000.\n' },
  open: { branch: 'feat/smtp', title: 'Add SMTP settings to .env.sample', path: '.env.sample', content: 'SMTP_HOST=mail.example.org\nSMTP_PORT=587\n' },
} as const;
