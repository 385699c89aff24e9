/**
 * The database as the edges see it (ADR 0030): `src/http` and `src/cli` never import `src/db`;
 * they get the client's types, opening the database (the CLI's commands open their own) and the
 * readiness check from here.
 */
import { sql } from 'drizzle-orm';
import { etatMigrations, type Base, type EtatMigrations } from '../db/client.ts';

export { ouvrirBase, type Base, type Db, type Tx } from '../db/client.ts';

/** Readiness: the database answers and every committed migration is applied (`aJour`). */
export async function etatDeLaBase(base: Base): Promise<EtatMigrations> {
  await base.db.execute(sql`select 1`);
  return etatMigrations(base.db);
}
