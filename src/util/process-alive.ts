/** Whether a process with this id still runs (EPERM: it runs, as another user). Used to drop what a dead process left behind. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
