import { Page } from '../components/Page';
export function Referrals() {
  return <Page title="Referrals">…</Page>;
}
