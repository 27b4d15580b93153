import { describe, expect, it } from 'vitest';
import { CloneUrl, ConfigPath, RepoInput, RepoName } from './repos';

describe('repository input', () => {
  it('accepts https, file:/// and absolute paths as clone URLs', () => {
    for (const url of ['https://github.com/acme/web.git', 'file:///srv/git/web', '/srv/git/web']) {
      expect(CloneUrl.safeParse(url).success, url).toBe(true);
    }
  });

  it('refuses other schemes and relative paths with a message', () => {
    for (const url of ['http://insecure/x.git', 'ftp://x', 'git@github.com:acme/web.git', 'relative/path', '']) {
      const r = CloneUrl.safeParse(url);
      expect(r.success, url).toBe(false);
    }
  });

  it('allows owner/name names and refuses odd ones', () => {
    expect(RepoName.safeParse('acme/web').success).toBe(true);
    expect(RepoName.safeParse('web_2.0').success).toBe(true);
    expect(RepoName.safeParse('../etc').success).toBe(false);
    expect(RepoName.safeParse('a/b/c').success).toBe(false);
    expect(RepoName.safeParse('has space').success).toBe(false);
  });

  it('keeps the config path inside the repository', () => {
    expect(ConfigPath.safeParse('.ci/pipeline.yml').success).toBe(true);
    expect(ConfigPath.safeParse('/etc/passwd').success).toBe(false);
    expect(ConfigPath.safeParse('ci/../../x.yml').success).toBe(false);
  });

  it('fills defaults', () => {
    expect(RepoInput.parse({ name: 'web', cloneUrl: '/srv/web' })).toEqual({
      name: 'web',
      cloneUrl: '/srv/web',
      defaultBranch: 'main',
      configPath: '.ci/pipeline.yml',
    });
  });
});
