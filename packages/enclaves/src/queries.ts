import { batched, type Database, desc, enclaves, sql, textArray } from '@enclavia/db';

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
    const statement = listOfWorkspacesStatement(db);
    read = batched((workspaceIds) => listOfWorkspaces(statement, workspaceIds));
    readers.set(db, read);
  }
  const all = (await read(workspaceId)) ?? [];
  return filter.state ? all.filter((e) => e.state === filter.state) : all;
}

/**
 * Built once per database, with the batch's workspaces as one parameter (a `text[]` literal), so
 * its text is the same whatever the batch: drizzle building the statement at every call was a
 * measurable share of a tool call (docs/performance.md).
 */
function listOfWorkspacesStatement(db: Database) {
  return db
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
    .where(sql`${enclaves.workspaceId} = any(${sql.placeholder('ids')}::text::uuid[])`)
    .orderBy(desc(enclaves.createdAt))
    .prepare('enclaves_of_workspaces');
}

async function listOfWorkspaces(
  statement: ReturnType<typeof listOfWorkspacesStatement>,
  workspaceIds: string[],
) {
  const rows = await statement.execute({ ids: textArray(workspaceIds) });
  const lists = new Map<string, EnclaveSummary[]>();
  for (const { workspaceId, ...enclave } of rows) {
    const list = lists.get(workspaceId);
    if (list) list.push(enclave);
    else lists.set(workspaceId, [enclave]);
  }
  return lists;
}
