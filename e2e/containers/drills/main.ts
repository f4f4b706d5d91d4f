// `npm run drill:<name> [-- <seconds down>]`: a fault drill against the compose stack running on
// this machine (`docker compose up`). See the README's "Fault drills".
import { ComposeStack } from './compose.ts';
import { drillNamed } from './drills.ts';
import { runDrill } from './run-drill.ts';
import { Gateway } from './traffic.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const [name = '', seconds = '15'] = process.argv.slice(2);
try {
  const result = await runDrill(drillNamed(name), {
    stack: new ComposeStack(process.env['COMPOSE_PROJECT_NAME'] ?? 'capstone'),
    gateway: new Gateway(process.env['GATEWAY_URL'] ?? 'http://localhost:3000'),
    outageMs: Number(seconds) * 1000,
    log: say,
  });
  say(result.ok ? '\nThe drill passed.' : '\nThe drill FAILED: see the checks above.');
  process.exitCode = result.ok ? 0 : 1;
} catch (error) {
  say(`The drill could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
