import { Page } from '../../components/Page';
export function Users() {
  return <Page title="Users">…</Page>;
}
