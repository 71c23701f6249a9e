#!/usr/bin/env node
// Runs shell commands interleaved (A B C, A B C, ...) N times and prints the
// median, mean and minimum wall time of each, so that two builds (or a tool and
// its peer) see the same machine speed:
//   node scripts/bench/interleave.mjs N 'command A' 'command B' ...
import { spawnSync } from 'node:child_process';

const [n, ...cmds] = process.argv.slice(2);
const runs = Number(n);
if (!Number.isInteger(runs) || runs < 1 || cmds.length === 0) {
  console.error("usage: node scripts/bench/interleave.mjs N 'command A' ['command B' ...]");
  process.exit(2);
}
const times = cmds.map(() => []);
for (let r = 0; r < runs; r++)
  cmds.forEach((cmd, k) => {
    const t = process.hrtime.bigint();
    spawnSync(cmd, { shell: true, stdio: 'ignore' });
    times[k].push(Number(process.hrtime.bigint() - t) / 1e9);
  });
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
cmds.forEach((cmd, k) => {
  const v = times[k];
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  console.log(`median ${median(v).toFixed(3)} mean ${mean.toFixed(3)} min ${Math.min(...v).toFixed(3)}  ${cmd}`);
});
