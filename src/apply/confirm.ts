// apply's confirmation: the first line typed on stdin, or null when none
// comes in time or stdin ends. Like iptables-apply, the answer has to arrive
// over the same path the operator uses to reach the host: if the new rules
// cut that path, no answer comes and the old rules return.
//
// Piping "yes" into apply (`echo yes | chainsmith apply ...`) answers at once
// and so removes that safety; it is there for scripted use where another
// check stands in for the operator, and the README says so.
import type { Readable } from 'node:stream';
import type { Confirm } from './apply.js';

export function lineFrom(input: Readable): Confirm {
  return (timeoutMs) =>
    new Promise((resolve) => {
      let buffered = '';
      const finish = (answer: string | null) => {
        clearTimeout(timer);
        input.off('data', onData);
        input.off('end', onEnd);
        input.off('error', onEnd);
        // Let the process exit once apply is done: a paused, unreferenced stdin holds nothing open.
        input.pause();
        (input as Readable & { unref?: () => void }).unref?.();
        resolve(answer);
      };
      const onData = (chunk: Buffer | string) => {
        buffered += chunk.toString();
        const nl = buffered.indexOf('\n');
        if (nl >= 0) finish(buffered.slice(0, nl));
      };
      // End of input without a newline: take what was typed; nothing at all is no answer.
      const onEnd = () => finish(buffered === '' ? null : buffered);
      const timer = setTimeout(() => finish(null), timeoutMs);
      input.setEncoding('utf8');
      input.on('data', onData);
      input.on('end', onEnd);
      input.on('error', onEnd);
      input.resume();
    });
}
