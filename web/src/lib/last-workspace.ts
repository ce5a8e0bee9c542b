const KEY = 'passerelle.workspace';

/** The workspace the user last opened in this browser, to reopen it next time. */
export function lastWorkspace(): string | null {
  return localStorage.getItem(KEY);
}

/** Remembers the open workspace. */
export function rememberWorkspace(wid: string): void {
  localStorage.setItem(KEY, wid);
}
