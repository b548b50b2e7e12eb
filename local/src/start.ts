import { prettyFactory } from 'pino-pretty';
import { loadConfigOrExit } from '@micropay/platform';
import { startPlatform } from './launcher';
import { localConfigSchema, PROCESSES } from './local-config';

/** `npm start`: the whole platform on this machine, until Ctrl-C. */
async function main(): Promise<void> {
  const config = loadConfigOrExit(localConfigSchema);
  const pretty = prettyFactory({
    colorize: process.stdout.isTTY,
    messageKey: 'message',
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
  const width = Math.max(...PROCESSES.map((name) => name.length));
  const write = (text: string) => process.stdout.write(text);

  write(
    `Starting MicroPay (data in ${config.dataDir}${config.databaseUrl ? ', PostgreSQL from DATABASE_URL' : ', embedded PostgreSQL'})…\n`,
  );
  const platform = await startPlatform({
    config,
    output(name, line) {
      const prefix = `${name.padEnd(width)} | `;
      if (config.logFormat === 'json' || !line.startsWith('{')) write(`${prefix}${line}\n`);
      else write(`${prefix}${pretty(line)}`);
    },
    // A crashed process is restarted with backoff; this line says so, outside any process's output.
    notice: (line) => write(`${'npm start'.padEnd(width)} | ${line}\n`),
  });

  const gw = platform.urls.gateway;
  const services = PROCESSES.filter((name) => name !== 'gateway')
    .map((name) => `  ${name.padEnd(width)}  ${platform.urls[name]}`)
    .join('\n');
  write(`
MicroPay is running.

  ${'API gateway'.padEnd(width)}  ${gw}
  ${'API docs'.padEnd(width)}  ${gw}/docs
${services}

Try it:

  curl -s -X POST ${gw}/v1/auth/register -H 'content-type: application/json' \\
       -d '{"email":"ana@example.com","password":"correct horse battery"}'

  curl -s -X POST ${gw}/v1/auth/login -H 'content-type: application/json' \\
       -d '{"email":"ana@example.com","password":"correct horse battery"}'

The README walks through a whole payment. Press Ctrl-C to stop.
`);

  let shuttingDown = false;
  const shutdown = async (reason: string, code: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    write(`\n${reason}; stopping MicroPay…\n`);
    await platform.stop();
    write('Stopped.\n');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('Interrupted', 0));
  process.on('SIGTERM', () => void shutdown('Terminated', 0));
}

main().catch((error: unknown) => {
  process.stderr.write(`MicroPay failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
