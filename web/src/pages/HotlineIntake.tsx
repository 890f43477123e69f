import { Page } from '../components/Page';
export function HotlineIntake() {
  return <Page title="HotlineIntake">…</Page>;
}
