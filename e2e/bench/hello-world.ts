/**
 * The HTTP ceiling of `npm run bench`: the smallest Express 5 app, run as its own process on
 * the same Node with the same flags as the services. PORT selects the port.
 */
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
