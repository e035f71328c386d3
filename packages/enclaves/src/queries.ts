import { and, type Database, desc, enclaves, eq } from '@enclavia/db';

import type { EnclaveState } from './states.js';

export interface EnclaveSummary {
  id: string;
  name: string | null;
  image: string;
  instanceType: string;
  state: EnclaveState;
  createdAt: Date;
}

/** The enclaves of one workspace, newest first. There is no query without a workspace. */
export async function listEnclaves(
  db: Database,
  workspaceId: string,
  filter: { state?: EnclaveState } = {},
): Promise<EnclaveSummary[]> {
  return db
    .select({
      id: enclaves.id,
      name: enclaves.name,
      image: enclaves.image,
      instanceType: enclaves.instanceType,
      state: enclaves.state,
      createdAt: enclaves.createdAt,
    })
    .from(enclaves)
    .where(
      and(eq(enclaves.workspaceId, workspaceId), filter.state ? eq(enclaves.state, filter.state) : undefined),
    )
    .orderBy(desc(enclaves.createdAt));
}
