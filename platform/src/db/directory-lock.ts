import fs from 'node:fs/promises';

export interface DirectoryLock {
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  owner: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `lockFile` for this process (created exclusively, holding the pid), so a second process
 * never opens the same embedded databases: that is how a data directory of ours ended up
 * unopenable. A lock left by a process that no longer runs (SIGKILL) is taken over. Refuses with
 * a message naming the process that holds it.
 */
export async function lockDirectory(lockFile: string, owner: string, what: string): Promise<DirectoryLock> {
  const holder: Holder = { pid: process.pid, owner, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(lockFile, JSON.stringify(holder), { flag: 'wx' });
      return {
        async release() {
          const current = await readHolder(lockFile);
          if (current?.pid === process.pid) await fs.rm(lockFile, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const other = await readHolder(lockFile);
    if (other && alive(other.pid)) {
      throw new Error(
        `${what} is in use by process ${other.pid} (${other.owner}, since ${other.since}). ` +
          'Stop that process first, or use another MICROPAY_DATA_DIR; two processes must never open the same embedded database.',
      );
    }
    await fs.rm(lockFile, { force: true }); // the holder is gone: a stale lock
  }
  throw new Error(`could not lock ${what} (${lockFile})`);
}

async function readHolder(lockFile: string): Promise<Holder | undefined> {
  try {
    return JSON.parse(await fs.readFile(lockFile, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}
