import { sql } from 'drizzle-orm';
import type { Executor } from './audit.js';

/** `NOTIFY channel, payload`, delivered when the surrounding transaction (if any) commits. */
export async function notify(db: Executor, channel: string, payload: string): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}
