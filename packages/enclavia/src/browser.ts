import { spawn } from 'node:child_process';

/**
 * Opens `url` with `$BROWSER`, else the platform's opener; false when nothing could be started
 * (the caller has printed the URL anyway).
 */
export function openBrowser(url: string, browserCommand: string | undefined): Promise<boolean> {
  const [command, args] = browserCommand
    ? [browserCommand, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? // Not `cmd /c start`: cmd would split the URL at every `&`.
          ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
