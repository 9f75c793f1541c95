import { describe, expect, it } from 'vitest';
import { isValidRefName } from './internal/ref-name.js';
import { redactText, redactUrl, validateRemoteUrl } from './url.js';

describe('validateRemoteUrl', () => {
  it.each([
    'https://git.coopcloud.tech/coop-cloud/gitea.git',
    'http://127.0.0.1:8080/ci-mirrors/gitea.git',
    'ssh://git@git.example.org:2222/ci-mirrors/gitea.git',
    'git@git.example.org:ci-mirrors/gitea.git',
    'http://[::1]:8080/ci-mirrors/gitea.git',
    'https://bot:t0ken@git.example.org/ci-mirrors/gitea.git',
  ])('accepts %s', (url) => {
    expect(validateRemoteUrl(url)).toEqual({ ok: true });
  });

  it.each([
    ['ext::sh -c touch% /tmp/pwned', 'whitespace'],
    ['ext::git-upload-pack', 'transport helpers like "ext::" are not allowed'],
    ['file::/etc', 'transport helpers'],
    ['--upload-pack=touch', '"--upload-pack=touch" starts with "-"'],
    ['-oProxyCommand=x', '"-oProxyCommand=x" starts with "-"'],
    ['-https://bot:t0ken@h/x.git', '"-https://***@h/x.git" starts with "-"'],
    ['file:///srv/git/gitea.git', 'scheme "file" is not allowed'],
    ['/srv/git/gitea.git', 'use https://, http://, ssh:// or git@host:path'],
    ['deploy@git.example.org:ci-mirrors/gitea.git', 'not a URL'],
    ['git@-oproxy.example.org:repo.git', 'host or path starts with "-"'],
    ['git@git.example.org:-repo.git', 'host or path starts with "-"'],
    ['ssh://-oProxyCommand=touch%20x/repo.git', 'host starts with "-"'],
    ['ssh:///repo.git', 'no host'],
    ['https://host/repo\n.git', 'control characters'],
    ['', 'empty'],
  ])('refuses %j (%s)', (url, reason) => {
    const verdict = validateRemoteUrl(url);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toContain(reason);
  });
});

describe('redaction', () => {
  it('hides userinfo in URLs and listed secrets in text', () => {
    expect(redactUrl('https://bot:t0ken@git.example.org/x.git')).toBe(
      'https://***@git.example.org/x.git',
    );
    expect(redactUrl('https://git.example.org/x.git')).toBe('https://git.example.org/x.git');
    expect(
      redactText("fatal: unable to access 'https://bot:t0ken@h/x.git/': 401 (t0ken)", ['t0ken']),
    ).toBe("fatal: unable to access 'https://***@h/x.git/': 401 (***)");
  });
});

describe('isValidRefName', () => {
  it.each([
    ['refs/tags/3.6.0+1.24.2-rootless', true],
    ['refs/tags/--upload-pack=x', true],
    ['refs/tags/$(touch${IFS}x)', true],
    ['refs/tags/a b', false],
    ['refs/tags/a..b', false],
    ['refs/tags/a:b', false],
    ['refs/tags/.hidden', false],
    ['refs/tags/x.lock', false],
    ['refs/tags/a@{1}', false],
    ['refs/tags/', false],
    ['HEAD', false],
  ])('%s → %s', (ref, valid) => {
    expect(isValidRefName(ref)).toBe(valid);
  });
});
