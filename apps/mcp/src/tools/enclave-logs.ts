import { readLogs } from '@enclavia/enclaves';
import { z } from 'zod';
import { defineTool, structured, toolError } from './define-tool.js';
import { enclaveId } from './enclave-shape.js';

const MAX_TAIL = 1000;

export const enclaveLogs = defineTool({
  name: 'enclave_logs',
  title: 'Enclave logs',
  description:
    "Reads an enclave's logs: the build log (image pull, enclave image build, measurement), the runtime log (start, port, health, stop), or both interleaved in time order. `tail` keeps the last n lines (default 100, at most 1000); `since` keeps lines after an ISO 8601 time, for following new output.",
  scope: 'enclaves:read',
  inputSchema: {
    id: enclaveId,
    stream: z.enum(['build', 'runtime', 'both']).optional().describe('Which log; default both'),
    tail: z.number().optional().describe(`Only the last n lines, 1 to ${MAX_TAIL}; default 100`),
    since: z.string().optional().describe('Only lines after this ISO 8601 time, e.g. 2026-11-21T10:00:00Z'),
  },
  outputSchema: {
    lines: z.array(z.object({ stream: z.enum(['build', 'runtime']), at: z.string(), line: z.string() })),
  },
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async handler({ id, stream = 'both', tail = 100, since }, { db, auth }) {
    if (!Number.isInteger(tail) || tail < 1 || tail > MAX_TAIL) {
      return toolError(
        `tail ${tail} is out of range.`,
        `Use a whole number from 1 to ${MAX_TAIL}, or leave it out.`,
      );
    }
    const sinceDate = since === undefined ? undefined : new Date(since);
    if (sinceDate && Number.isNaN(sinceDate.getTime())) {
      return toolError(
        `since "${since}" is not a time.`,
        'Use an ISO 8601 time such as 2026-11-21T10:00:00Z, or leave it out.',
      );
    }
    const lines = await readLogs(db, {
      workspaceId: auth.extra.workspaceId,
      id,
      stream,
      tail,
      ...(sinceDate ? { since: sinceDate } : {}),
    });
    return structured({
      lines: lines.map((l) => ({ stream: l.stream, at: l.at.toISOString(), line: l.line })),
    });
  },
});
