import { Page } from '../../components/Page';
export function Agencies() {
  return <Page title="Agencies">…</Page>;
}
