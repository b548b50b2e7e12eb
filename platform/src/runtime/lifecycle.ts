/**
 * What the process is doing, for readiness: a pod that is shutting down fails `/readyz` so the
 * load balancer stops sending it traffic while in-flight requests finish.
 */
export class Lifecycle {
  private shuttingDown = false;
  private readonly disposers: { name: string; dispose: () => Promise<void> | void }[] = [];
  private readonly leavers: { name: string; leave: () => Promise<void> | void }[] = [];

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /** Registers cleanup to run at shutdown, in reverse order of registration (LIFO). */
  onShutdown(name: string, dispose: () => Promise<void> | void): void {
    this.disposers.push({ name, dispose });
  }

  /**
   * Registers a step that runs when shutdown begins, before the server stops accepting
   * connections: leaving service discovery, so callers stop picking this instance first.
   */
  beforeClose(name: string, leave: () => Promise<void> | void): void {
    this.leavers.push({ name, leave });
  }

  async leave(onError: (name: string, error: unknown) => void): Promise<void> {
    for (const { name, leave } of this.leavers.splice(0)) {
      try {
        await leave();
      } catch (error) {
        onError(name, error);
      }
    }
  }

  async dispose(onError: (name: string, error: unknown) => void): Promise<void> {
    for (const { name, dispose } of [...this.disposers].reverse()) {
      try {
        await dispose();
      } catch (error) {
        onError(name, error);
      }
    }
    this.disposers.length = 0;
  }
}
