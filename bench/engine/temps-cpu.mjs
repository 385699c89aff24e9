/* global process */
// Preloaded by bench/engine/cli.ts (`node --import …`): prints the process's CPU time on exit,
// so that the bench reads it beside the wall time of a child process.
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`\ntemps-cpu-ms ${((u.user + u.system) / 1000).toFixed(0)}\n`);
});
