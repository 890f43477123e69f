// Which page a route shows (signed-in pages other than home).
import type { Route } from './router';
import { NewRecord, RecordPage } from './pages/RecordPage';
import { RecordPrint } from './pages/RecordPrint';
import { RecordList, Registers } from './pages/RecordList';
import { HotlineIntake } from './pages/HotlineIntake';
import { ScreeningPage } from './pages/Screening';
import { Referrals } from './pages/Referrals';
import { Facilities } from './pages/Facilities';
import { CriminalCase } from './pages/CriminalCase';
import { Dashboard } from './pages/Dashboard';
import { AnnualReport } from './pages/AnnualReport';
import { InternationalReturns } from './pages/InternationalReturns';
import { Agencies } from './pages/admin/Agencies';
import { Users } from './pages/admin/Users';
import { Tokens } from './pages/admin/Tokens';
import { Audit } from './pages/admin/Audit';
import { Imports, Reconcile } from './pages/Imports';
import { LinkageReview } from './pages/LinkageReview';
import { RaidSheet } from './pages/RaidSheet';
import { VisitCalendar } from './pages/VisitCalendar';
import { CommissionInbox } from './pages/CommissionInbox';
import { Returns } from './pages/Returns';
import { BlockList } from './pages/BlockList';
import { Plans } from './pages/Plans';
import { Notifications } from './pages/Notifications';
import { Search } from './pages/Search';
import { Devices } from './pages/Devices';
import { SyncPage } from './pages/Sync';

export function Routes({ route }: { route: Route }) {
  switch (route.page) {
    case 'registers':
      return <Registers />;
    case 'list':
      return <RecordList type={route.type} />;
    case 'new':
      return <NewRecord type={route.type} />;
    case 'record':
      return <RecordPage type={route.type} id={route.id} />;
    case 'record_print':
      return <RecordPrint type={route.type} id={route.id} />;
    case 'hotline':
      return <HotlineIntake />;
    case 'screening':
      return <ScreeningPage />;
    case 'referrals':
      return <Referrals />;
    case 'facilities':
      return <Facilities />;
    case 'criminal_case':
      return <CriminalCase id={route.id} />;
    case 'dashboard':
      return <Dashboard />;
    case 'report':
      return <AnnualReport />;
    case 'intl_returns':
      return <InternationalReturns />;
    case 'agencies':
      return <Agencies />;
    case 'users':
      return <Users />;
    case 'tokens':
      return <Tokens />;
    case 'audit':
      return <Audit />;
    case 'imports':
      return <Imports />;
    case 'reconcile':
      return <Reconcile />;
    case 'linkage_review':
      return <LinkageReview />;
    case 'raid_sheet':
      return <RaidSheet />;
    case 'visits':
      return <VisitCalendar />;
    case 'commission':
      return <CommissionInbox />;
    case 'returns':
      return <Returns />;
    case 'block_list':
      return <BlockList />;
    case 'plans':
      return <Plans />;
    case 'notifications':
      return <Notifications />;
    case 'search':
      return <Search />;
    case 'devices':
      return <Devices />;
    case 'sync':
      return <SyncPage />;
    default:
      return null;
  }
}
