/** `ci-mirrors/gitea`, `/ci-mirrors/gitea.git` → `ci-mirrors/gitea.git`. */
export function normalizeRepoName(repoName: string): string {
  const trimmed = repoName.replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed.endsWith('.git') ? trimmed : `${trimmed}.git`;
}
