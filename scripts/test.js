#!/usr/bin/env node
// `npm test`: the whole Vitest suite, then one plain closing line "N passed, N failed, N skipped"
// that any CI can read. Extra arguments go to Vitest (e.g. `npm test -- test/domain`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'flux-test-'));
const rapport = join(dir, 'vitest.json');
const r = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${rapport}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let resume = null;
try {
  resume = JSON.parse(readFileSync(rapport, 'utf8'));
} catch {
  // no report: Vitest could not start; its own output says why
}
rmSync(dir, { recursive: true, force: true });
if (resume) {
  const passed = resume.numPassedTests;
  const failed = resume.numFailedTests;
  const skipped = resume.numPendingTests + resume.numTodoTests;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (passed === 0 && failed === 0) {
    console.error('aucun test exécuté');
    process.exit(1);
  }
}
process.exit(r.status ?? 1);
