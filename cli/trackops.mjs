#!/usr/bin/env node
// The `trackops` binary: loads the TypeScript sources through tsx (the project has no build step).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
