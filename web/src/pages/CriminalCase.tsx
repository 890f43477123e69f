import { Page } from '../components/Page';
export function CriminalCase({ id }: { id: number }) {
  return <Page title={`CriminalCase ${id}`}>…</Page>;
}
