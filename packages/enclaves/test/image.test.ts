import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../src/index.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('OCI image references', () => {
  it.each([
    ['ghcr.io/acme/api:1.4.2', 'ghcr.io/acme/api:1.4.2'],
    ['docker.io/library/nginx', 'docker.io/library/nginx:latest'],
    ['registry.example.com:5000/team/app/worker:v2', 'registry.example.com:5000/team/app/worker:v2'],
    [`ghcr.io/acme/api@${digest}`, `ghcr.io/acme/api@${digest}`],
    [`ghcr.io/acme/api:1.0@${digest}`, `ghcr.io/acme/api:1.0@${digest}`],
    ['localhost:5000/my_app:dev', 'localhost:5000/my_app:dev'],
  ])('accepts %s', (input, canonical) => {
    const parsed = parseImageReference(input);
    expect(parsed).toMatchObject({ ok: true, canonical });
  });

  it('splits registry, repository, tag and digest', () => {
    expect(parseImageReference(`ghcr.io/acme/api:1.0@${digest}`)).toMatchObject({
      image: { registry: 'ghcr.io', repository: 'acme/api', tag: '1.0', digest },
    });
  });

  it.each([
    ['', 'empty'],
    ['nginx:latest', 'names no registry'],
    ['acme/api:1', '"acme" is not a registry host'],
    ['ghcr.io/Acme/api', '"Acme" is not a valid repository name part'],
    ['ghcr.io/acme/api:bad tag', 'the tag "bad tag"'],
    ['ghcr.io/acme/api@sha256:1234', 'must be "sha256:" followed by 64'],
    ['ghcr.io/acme/api@md5:abc@x', 'more than one "@"'],
    ['ghcr.io/', 'names no repository'],
    [`ghcr.io/${'a'.repeat(260)}`, 'longer than 255'],
  ])('refuses %j (%s)', (input, message) => {
    const parsed = parseImageReference(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok === false && parsed.error).toContain(message);
  });
});
