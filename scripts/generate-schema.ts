/**
 * Writes schemas/scenario.schema.json from the zod contract (src/contracts/scenario.ts).
 * `--check` fails (exit 1) when the committed file differs from what the contract gives.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { scenarioSchema } from '../src/contracts/scenario.ts';

const cible = new URL('../schemas/scenario.schema.json', import.meta.url);
const schema = {
  ...z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }),
  title: 'Scénario Flux : une année de flux d’un bailleur',
  description: 'Contrat du fichier lu par `flux simulate` (voir docs/scenario-format.md).',
};
const texte = `${JSON.stringify(schema, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let actuel = '';
  try {
    actuel = readFileSync(cible, 'utf8');
  } catch {
    // missing file: reported below
  }
  if (actuel !== texte) {
    console.error(
      'schemas/scenario.schema.json ne correspond plus au contrat : lancez `node bin/run-ts.js scripts/generate-schema.ts`',
    );
    process.exit(1);
  }
  console.log('schemas/scenario.schema.json à jour');
} else {
  writeFileSync(cible, texte);
  console.log('schemas/scenario.schema.json écrit');
}
