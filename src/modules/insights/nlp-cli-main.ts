/** Stand-alone entry for the nlp CLI until src/main.ts wires it: `node src/modules/insights/nlp-cli-main.ts sentiment --lang fr < in > out`. */
import { runNlpCli } from './insights.cli.ts';

process.exitCode = await runNlpCli(process.argv.slice(2), process.stdin, process.stdout);
