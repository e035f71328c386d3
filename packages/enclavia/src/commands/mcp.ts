import { loadCliConfig } from '../config.js';
import { noCredential } from '../credential.js';
import { resolveDeployment } from '../deployment.js';
import { probeDeployment } from '../probe.js';
import { forwardStdio } from '../stdio-forwarder.js';

/**
 * `enclavia-mcp --transport stdio` and `enclavia mcp`: checks the token against the deployment
 * first, so a host hears a refused token or a wrong URL as one line on stderr before any protocol
 * traffic, then forwards until the host closes stdin.
 */
export async function serveStdio(flags: { url?: string | undefined }): Promise<number> {
  const { url, credential } = resolveDeployment(flags.url, loadCliConfig());
  if (!credential) noCredential(url);
  await probeDeployment(url, credential);
  await forwardStdio(url, credential);
  return 0;
}
