// `npm run load -- [--url …] [--duration s] [--rate n] [--users n]`: a realistic mix of reads,
// writes, sign-ins and chat against a running stack, with a progress line and a summary table.
// See the README's "Load" section.
import { parseOptions, USAGE } from './src/options.ts';
import { startLoad } from './src/run.ts';
import { UsageError } from './src/usage-error.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);
try {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (!options) {
    say(USAGE);
  } else {
    const load = startLoad(options, process.stdout);
    // The first Ctrl-C ends the run with its summary; a second one leaves at once.
    process.once('SIGINT', () => {
      load.stop();
      process.once('SIGINT', () => process.exit(130));
    });
    say(await load.finished);
  }
} catch (error) {
  if (error instanceof UsageError) {
    complain(`${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    complain(`The load could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
