import { DEFAULT_LIVE_POLICY, withAppLimits } from '@enclavia/access';
import { describe, expect, it } from 'vitest';
import { appStanding, firstContactStatus, identifiedBy } from '../src/workspace-apps/standing.js';

const policy = (unknownClients: 'allow' | 'ask' | 'block', allowedClientIds: string[] = []) => ({
  unknownClients,
  allowedClientIds,
});
const decided = new Date();

describe('how an app stands in a workspace', () => {
  it('a client never seen gets what unknown_clients says', () => {
    expect(appStanding(policy('allow'), undefined, 'c')).toBe('approved');
    expect(appStanding(policy('ask'), undefined, 'c')).toBe('pending');
    expect(appStanding(policy('block'), undefined, 'c')).toBe('blocked');
  });

  it('a listed app keeps its status when unknown_clients changes', () => {
    const approved = { status: 'approved' as const, decidedAt: null };
    expect(appStanding(policy('block'), approved, 'c')).toBe('approved');
    expect(appStanding(policy('allow'), { status: 'blocked', decidedAt: null }, 'c')).toBe('blocked');
  });

  it('an app still waiting gets what the workspace now says, once it no longer asks', () => {
    const waiting = { status: 'pending' as const, decidedAt: null };
    expect(appStanding(policy('ask'), waiting, 'c')).toBe('pending');
    expect(appStanding(policy('allow'), waiting, 'c')).toBe('approved');
    expect(appStanding(policy('block'), waiting, 'c')).toBe('blocked');
  });

  it('a non-empty allowlist blocks every client not on it and approves those on it, unless an admin blocked one', () => {
    const list = policy('allow', ['a']);
    expect(appStanding(list, { status: 'approved', decidedAt: decided }, 'b')).toBe('blocked');
    expect(appStanding(list, undefined, 'a')).toBe('approved');
    // Listed as pending (or blocked by block mode) before the admin put it on the list: the list decides.
    expect(appStanding(policy('ask', ['a']), { status: 'pending', decidedAt: null }, 'a')).toBe('approved');
    expect(appStanding(policy('block', ['a']), { status: 'blocked', decidedAt: null }, 'a')).toBe('approved');
    expect(appStanding(list, { status: 'blocked', decidedAt: decided }, 'a')).toBe('blocked');
  });

  it('is listed at first contact as approved when on the allowlist, else as unknown_clients says', () => {
    expect(firstContactStatus(policy('ask', ['a']), 'a')).toBe('approved');
    expect(firstContactStatus(policy('ask', ['a']), 'b')).toBe('pending');
    expect(firstContactStatus(policy('allow', ['a']), 'b')).toBe('approved');
  });

  it('names how a client identified itself', () => {
    expect(identifiedBy('b9c1f0e2', 'consent')).toBe('registration');
    expect(identifiedBy('https://claude.ai/oauth/mcp-oauth-client-metadata', 'consent')).toBe(
      'metadata_document',
    );
    expect(identifiedBy('https://claude.ai/x', 'enterprise_grant')).toBe('enterprise_grant');
  });
});

describe("an app's own limits", () => {
  it('narrow the ceiling and shorten the lifetimes, never widen them', () => {
    const workspace = {
      ...DEFAULT_LIVE_POLICY,
      scopeCeiling: ['enclaves:read' as const, 'enclaves:write' as const],
      accessTokenTtl: 600,
    };
    const bound = withAppLimits(workspace, {
      scopeCeiling: ['enclaves:read', 'enclaves:destroy'],
      accessTokenTtl: 900,
      refreshTokenTtl: 3600,
    });
    expect(bound.scopeCeiling).toEqual(['enclaves:read']);
    expect(bound.accessTokenTtl).toBe(600);
    expect(bound.refreshTokenTtl).toBe(3600);
    expect(withAppLimits(workspace, undefined)).toBe(workspace);
  });
});
