import { Page } from '../components/Page';
export function AnnualReport() {
  return <Page title="AnnualReport">…</Page>;
}
