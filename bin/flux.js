#!/usr/bin/env node
// Entry point of the `flux` command: runs the TypeScript sources through tsx, so that
// `npx flux …` works right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
