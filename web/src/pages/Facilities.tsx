import { Page } from '../components/Page';
export function Facilities() {
  return <Page title="Facilities">…</Page>;
}
