import { Page } from '../components/Page';
export function ScreeningPage() {
  return <Page title="ScreeningPage">…</Page>;
}
