#!/usr/bin/env node
// Parse and lint times of one dump in one process, for several builds, each
// round a fresh process per build, the builds interleaved (A B, A B, ...) so
// that all see the same machine speed; prints each build's medians:
//   node scripts/bench/phases.mjs ROUNDS DUMP ROOT [ROOT ...]
// ROOT is a checkout with a build (`npm run build`), e.g. a worktree of the
// commit before a change and this checkout. Start-up is left out: what
// differs between builds of the parser or the analysis shows more clearly.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lintRound, loadLintStages } from './built.mjs';

const [mode, ...rest] = process.argv.slice(2);
if (mode === '--child') {
  // One round: parse, then every check, as `chainsmith lint` runs them.
  const [root, file] = rest;
  const { parse, lint } = lintRound(await loadLintStages(root), readFileSync(file, 'utf8'), file);
  console.log(JSON.stringify({ parse, lint }));
} else {
  const rounds = Number(mode);
  const [file, ...roots] = rest;
  if (!Number.isInteger(rounds) || rounds < 1 || !file || roots.length === 0) {
    console.error('usage: node scripts/bench/phases.mjs ROUNDS DUMP ROOT [ROOT ...]');
    process.exit(2);
  }
  const self = fileURLToPath(import.meta.url);
  const times = roots.map(() => ({ parse: [], lint: [] }));
  for (let r = 0; r < rounds; r++)
    roots.forEach((root, k) => {
      const run = spawnSync(process.execPath, [self, '--child', root, file], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${root}: ${run.stderr}`);
      const { parse, lint } = JSON.parse(run.stdout);
      times[k].parse.push(parse);
      times[k].lint.push(lint);
    });
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  roots.forEach((root, k) => console.log(`parse median ${median(times[k].parse).toFixed(0)} ms, lint median ${median(times[k].lint).toFixed(0)} ms  ${root}`));
}
