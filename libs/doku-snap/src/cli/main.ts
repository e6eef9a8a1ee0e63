import { runCli } from './run';

// One JSON object on stdout, whatever happened; the exit code says which case it is. Setting
// exitCode (not calling exit) lets stdout drain when it is a pipe.
const { exitCode, output } = runCli(process.argv.slice(2), process.env);
process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
process.exitCode = exitCode;
