/**
 * The demo's largest bailleur (HLD, Loiret) as the « Simulation » page reads it: the demo seeded in
 * an in-memory PGlite, then `preparerSimulation` (the whole stock still in RPLS, the conventions of
 * the latest stored year, its events). Kept in bench/out/ so that the seed (≈ 1 min) runs once.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Acteur } from '../../src/app/roles.ts';
import { preparerSimulation } from '../../src/app/simulation.ts';
import { simulationQuerySchema } from '../../src/contracts/simulation.ts';
import { ouvrirBase } from '../../src/db/client.ts';
import type { Scenario } from '../../src/domain/types.ts';
import { COMPTES_DEMO, seedDemo } from '../../src/seed/demo.ts';

export async function anneeHld(fichier: string, echelle = 1): Promise<Scenario> {
  if (existsSync(fichier)) return JSON.parse(await readFile(fichier, 'utf8')) as Scenario;
  console.error(`${fichier} absent : démo semée en mémoire (échelle ${echelle})…`);
  const base = await ouvrirBase({ dossier: 'memory://' });
  try {
    await base.migrer();
    await seedDemo(base.db, { echelle });
    const compte = COMPTES_DEMO.find((c) => c.role === 'agent_bailleur' && c.organisationId === 'HLD')!;
    const acteur: Acteur = {
      utilisateurId: 'bench',
      organisationId: compte.organisationId,
      role: 'agent_bailleur',
      departement: '45',
      epci: null,
    };
    const demande = simulationQuerySchema.parse({ bailleur: 'HLD', departement: '45' });
    const p = await base.db.transaction((tx) => preparerSimulation(tx, acteur, demande, new Date().getUTCFullYear()));
    await mkdir(dirname(fichier), { recursive: true });
    await writeFile(fichier, JSON.stringify(p.scenario));
    return p.scenario;
  } finally {
    await base.fermer();
  }
}
