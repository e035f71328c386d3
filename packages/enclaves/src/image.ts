/**
 * OCI image references: `registry/repository[:tag][@sha256:digest]`, as the distribution spec
 * spells them. The registry is required: an enclave image is pulled from a registry you name.
 */
export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const REGISTRY =
  /^(?:localhost|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)+|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_LENGTH = 255;

export type ParsedImage =
  | { ok: true; image: ImageReference; canonical: string }
  | { ok: false; error: string };

export function parseImageReference(input: string): ParsedImage {
  const ref = input.trim();
  const fail = (error: string): ParsedImage => ({ ok: false, error });
  if (ref.length === 0) return fail('the image reference is empty');
  if (ref.length > MAX_LENGTH) return fail(`the image reference is longer than ${MAX_LENGTH} characters`);

  const [nameAndTag, digest, extra] = ref.split('@');
  if (extra !== undefined) return fail('the image reference has more than one "@"');
  if (digest !== undefined && !DIGEST.test(digest)) {
    return fail(`the digest "${digest}" must be "sha256:" followed by 64 lowercase hex characters`);
  }
  const slash = nameAndTag!.indexOf('/');
  if (slash === -1) {
    return fail(`"${ref}" names no registry; write it in full, e.g. "docker.io/library/${nameAndTag}"`);
  }
  const registry = nameAndTag!.slice(0, slash);
  if (
    !REGISTRY.test(registry) ||
    !(
      registry.includes('.') ||
      registry.includes(':') ||
      registry.startsWith('localhost') ||
      registry.startsWith('[')
    )
  ) {
    return fail(
      `"${registry}" is not a registry host; write the registry first, e.g. "ghcr.io/owner/app:1.0"`,
    );
  }
  let path = nameAndTag!.slice(slash + 1);
  let tag: string | undefined;
  const colon = path.lastIndexOf(':');
  if (colon !== -1) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!TAG.test(tag))
      return fail(`the tag "${tag}" may only use letters, digits, "_", "." and "-" (at most 128)`);
  }
  if (!path) return fail('the image reference names no repository');
  for (const component of path.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      return fail(
        `"${component}" is not a valid repository name part: use lowercase letters, digits and ".", "_" or "-" between them`,
      );
    }
  }
  const image: ImageReference = {
    registry,
    repository: path,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
  const canonical = `${registry}/${path}${tag ? `:${tag}` : digest ? '' : ':latest'}${digest ? `@${digest}` : ''}`;
  return { ok: true, image, canonical };
}
