import { batched, type Database, desc, enclaves, inArray } from '@enclavia/db';

import type { EnclaveState } from './states.js';

export interface EnclaveSummary {
  id: string;
  name: string | null;
  image: string;
  instanceType: string;
  state: EnclaveState;
  createdAt: Date;
}

type ListOfWorkspace = (workspaceId: string) => Promise<EnclaveSummary[] | undefined>;

// One batched reader per database, made on first use.
const readers = new WeakMap<Database, ListOfWorkspace>();

/**
 * The enclaves of one workspace, newest first. There is no query without a workspace.
 *
 * The lists asked for in one turn of the event loop, for any workspaces, are read by one query
 * (`batched`): `enclave_list` is the most frequent tool call, and on the embedded database a
 * query's fixed cost is most of a request's.
 */
export async function listEnclaves(
  db: Database,
  workspaceId: string,
  filter: { state?: EnclaveState } = {},
): Promise<EnclaveSummary[]> {
  let read = readers.get(db);
  if (!read) {
    read = batched((workspaceIds) => listOfWorkspaces(db, workspaceIds));
    readers.set(db, read);
  }
  const all = (await read(workspaceId)) ?? [];
  return filter.state ? all.filter((e) => e.state === filter.state) : all;
}

async function listOfWorkspaces(db: Database, workspaceIds: string[]) {
  const rows = await db
    .select({
      workspaceId: enclaves.workspaceId,
      id: enclaves.id,
      name: enclaves.name,
      image: enclaves.image,
      instanceType: enclaves.instanceType,
      state: enclaves.state,
      createdAt: enclaves.createdAt,
    })
    .from(enclaves)
    .where(inArray(enclaves.workspaceId, workspaceIds))
    .orderBy(desc(enclaves.createdAt));
  const lists = new Map<string, EnclaveSummary[]>();
  for (const { workspaceId, ...enclave } of rows) {
    const list = lists.get(workspaceId);
    if (list) list.push(enclave);
    else lists.set(workspaceId, [enclave]);
  }
  return lists;
}
