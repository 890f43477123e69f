// Records this browser opened lately (titles only, never identity values), for the home page.
const KEY = 'palermo.recent';

export interface Recent {
  type: string;
  id: number;
  title: string;
}

export function recentRecords(): Recent[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as Recent[]).slice(0, 8) : [];
  } catch {
    return [];
  }
}

export function rememberRecord(r: Recent): void {
  try {
    const list = recentRecords().filter((x) => !(x.type === r.type && x.id === r.id));
    localStorage.setItem(KEY, JSON.stringify([r, ...list].slice(0, 8)));
  } catch {
    // not remembered
  }
}

export function forgetRecent(): void {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // nothing
  }
}
