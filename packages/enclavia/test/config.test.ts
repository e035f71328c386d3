import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCliConfig } from '../src/config.js';
import { CliError } from '../src/errors.js';

describe('where the login is kept', () => {
  it('is $XDG_CONFIG_HOME/enclavia wherever it is set', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(loadCliConfig({ XDG_CONFIG_HOME: '/x' }, platform).configDir).toBe(join('/x', 'enclavia'));
    }
  });

  it("is the platform's own folder otherwise", () => {
    expect(loadCliConfig({}, 'linux').configDir).toBe(join(homedir(), '.config', 'enclavia'));
    expect(loadCliConfig({}, 'darwin').configDir).toBe(
      join(homedir(), 'Library', 'Application Support', 'enclavia'),
    );
    expect(loadCliConfig({ APPDATA: 'C:/Users/me/AppData/Roaming' }, 'win32').configDir).toBe(
      join('C:/Users/me/AppData/Roaming', 'enclavia'),
    );
  });
});

describe('the environment', () => {
  it('takes ENCLAVIA_URL and ENCLAVIA_TOKEN, blank meaning unset', () => {
    expect(loadCliConfig({ ENCLAVIA_URL: 'https://mcp.example.com/mcp', ENCLAVIA_TOKEN: ' ' })).toMatchObject(
      {
        url: 'https://mcp.example.com/mcp',
        token: undefined,
      },
    );
  });

  it('refuses an ENCLAVIA_URL that is not an http(s) URL, in one line naming it', () => {
    expect(() => loadCliConfig({ ENCLAVIA_URL: 'mcp.example.com' })).toThrow(
      new CliError('ENCLAVIA_URL: must be an http(s) URL, e.g. https://mcp.example.com/mcp'),
    );
  });
});
