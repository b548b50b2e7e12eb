import { expect } from 'chai';
import express from 'express';
import { Lifecycle, runService } from '../../../src';
import { testLogger } from '../../../src/testing';

describe('runService graceful shutdown', () => {
  it('lets an in-flight request finish, refuses new connections, then runs cleanup in reverse order', async () => {
    const app = express();
    app.get('/slow', async (_req, res) => {
      await new Promise((r) => setTimeout(r, 200));
      res.json({ done: true });
    });
    const lifecycle = new Lifecycle();
    const cleaned: string[] = [];
    lifecycle.onShutdown('database', () => void cleaned.push('database'));
    lifecycle.onShutdown('outbox relay', () => void cleaned.push('outbox relay'));
    const running = await runService({
      app,
      host: '127.0.0.1',
      port: 0,
      logger: testLogger(),
      lifecycle,
      shutdownTimeoutMs: 2000,
    });

    const inFlight = fetch(`${running.url}/slow`).then((r) => r.json());
    await new Promise((r) => setTimeout(r, 50));
    const stopped = running.shutdown('test');
    expect(lifecycle.isShuttingDown).to.equal(true);
    expect(await inFlight).to.deep.equal({ done: true });
    await stopped;
    expect(cleaned).to.deep.equal(['outbox relay', 'database']);
    const refused = await fetch(`${running.url}/slow`).then(
      () => false,
      () => true,
    );
    expect(refused).to.equal(true);
  });

  it('does not wait for the timeout when clients keep connections alive', async () => {
    const app = express();
    app.get('/ok', (_req, res) => {
      res.json({ ok: true });
    });
    const running = await runService({
      app,
      host: '127.0.0.1',
      port: 0,
      logger: testLogger(),
      lifecycle: new Lifecycle(),
      shutdownTimeoutMs: 5000,
    });
    await fetch(`${running.url}/ok`).then((r) => r.json()); // leaves an idle keep-alive connection
    const started = Date.now();
    await running.shutdown('test');
    expect(Date.now() - started).to.be.lessThan(1000);
  });

  it('keeps going when one cleanup step fails', async () => {
    const lifecycle = new Lifecycle();
    const cleaned: string[] = [];
    lifecycle.onShutdown('a', () => void cleaned.push('a'));
    lifecycle.onShutdown('b', () => {
      throw new Error('b failed');
    });
    const errors: string[] = [];
    await lifecycle.dispose((name) => errors.push(name));
    expect(cleaned).to.deep.equal(['a']);
    expect(errors).to.deep.equal(['b']);
  });
});
