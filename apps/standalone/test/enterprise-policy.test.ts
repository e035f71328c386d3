import { describe, expect, it } from 'vitest';
import { useStack } from './support/stack.js';
import { personalWorkspaceAdmin } from './support/web-session.js';

const env = useStack();

// biome-ignore lint/suspicious/noExplicitAny: test assertions read whatever the API answered.
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

describe('the enterprise identity provider in the workspace policy', () => {
  it('is set, shown and audited through the admin API, and cleared again', async () => {
    const admin = await personalWorkspaceAdmin(env.stack.issuer, 'ent-admin@example.com');
    const path = `/api/v1/workspaces/${admin.workspaceId}/policy`;
    const saved = await admin.session.api('PATCH', path, {
      enterprise_idp_issuer: 'https://acme.okta.example',
      enterprise_email_domain: '@Acme.Example',
    });
    expect(saved.status).toBe(200);
    expect((await json(saved)).policy).toMatchObject({
      enterprise_idp_issuer: 'https://acme.okta.example',
      enterprise_jit_membership: false,
      enterprise_email_domain: 'acme.example',
    });
    const { events } = await json(admin.session.api('GET', `/api/v1/workspaces/${admin.workspaceId}/audit`));
    expect(events[0]).toMatchObject({
      action: 'policy.updated',
      before: { enterprise_idp_issuer: null, enterprise_email_domain: null },
      after: { enterprise_idp_issuer: 'https://acme.okta.example', enterprise_email_domain: 'acme.example' },
    });

    const cleared = await admin.session.api('PATCH', path, { enterprise_idp_issuer: '' });
    expect((await json(cleared)).policy.enterprise_idp_issuer).toBeNull();
  });

  it('trusts an issuer in one workspace only', async () => {
    const first = await personalWorkspaceAdmin(env.stack.issuer, 'ent-first@example.com');
    const second = await personalWorkspaceAdmin(env.stack.issuer, 'ent-second@example.com');
    const issuer = { enterprise_idp_issuer: 'https://login.microsoftonline.example/tenant/v2.0' };
    expect(
      (await first.session.api('PATCH', `/api/v1/workspaces/${first.workspaceId}/policy`, issuer)).status,
    ).toBe(200);
    const refused = await second.session.api(
      'PATCH',
      `/api/v1/workspaces/${second.workspaceId}/policy`,
      issuer,
    );
    expect(refused.status).toBe(409);
    expect((await json(refused)).message).toMatch(/already trusted by another workspace/);
  });

  it('takes https, or http on loopback outside production, and nothing else', async () => {
    const admin = await personalWorkspaceAdmin(env.stack.issuer, 'ent-http@example.com');
    const path = `/api/v1/workspaces/${admin.workspaceId}/policy`;
    const plain = await admin.session.api('PATCH', path, { enterprise_idp_issuer: 'http://idp.example' });
    expect(plain.status).toBe(400);
    const loopback = await admin.session.api('PATCH', path, {
      enterprise_idp_issuer: 'http://127.0.0.1:9999',
    });
    expect(loopback.status).toBe(200);
  });

  it('is a field of the admin page, saved with the rest of the policy', async () => {
    const admin = await personalWorkspaceAdmin(env.stack.issuer, 'ent-page@example.com');
    await admin.session.api('PATCH', `/api/v1/workspaces/${admin.workspaceId}/policy`, {
      enterprise_idp_issuer: 'https://page.okta.example',
    });
    const page = await admin.session.api('GET', `/admin/workspaces/${admin.workspaceId}`);
    expect(await page.text()).toContain(
      'name="enterprise_idp_issuer" type="url" value="https://page.okta.example"',
    );
  });
});
