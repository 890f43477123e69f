import { Page } from '../../components/Page';
export function Tokens() {
  return <Page title="Tokens">…</Page>;
}
