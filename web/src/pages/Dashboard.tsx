import { Page } from '../components/Page';
export function Dashboard() {
  return <Page title="Dashboard">…</Page>;
}
