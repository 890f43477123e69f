// The navigation a user sees, from their roles' permissions (pure; unit-tested).
import type { MessageKey } from './i18n';
import type { Meta } from './meta';

export interface NavItem {
  href: string;
  key: MessageKey;
}

/** `offlineTypes`: what the user may keep on a device (/auth/me); any gives the devices page. */
export function navItems(meta: Meta, offlineTypes: readonly string[] = []): NavItem[] {
  const items: NavItem[] = [{ href: '/', key: 'nav.home' }];
  if (meta.readableTypes().length > 0) items.push({ href: '/records', key: 'nav.registers' });
  if (meta.may('hotline_appeal', 'create')) items.push({ href: '/hotline', key: 'nav.hotline' });
  if (meta.may('screening', 'create')) items.push({ href: '/screening', key: 'nav.screening' });
  if (meta.may('referral', 'accept') || meta.may('referral', 'read')) items.push({ href: '/referrals', key: 'nav.referrals' });
  if (meta.may('facility', 'read')) items.push({ href: '/facilities', key: 'nav.facilities' });
  if (meta.may('link_decision', 'create')) items.push({ href: '/linkage/review', key: 'nav.linkage_review' });
  // Child protection: the raid sheet (a raid's children in one import), the DOST visit calendar,
  // the commission's inbox — each for the roles that do that work, not for those who only read.
  if (meta.may('child_found', 'create') && meta.may('person', 'create')) items.push({ href: '/raids/new', key: 'nav.raid_sheet' });
  if (meta.may('care_visit', 'read') && meta.may('care_visit', 'complete')) items.push({ href: '/visits', key: 'nav.visits' });
  if (meta.may('commission_material', 'read') && meta.may('commission_material', 'decide')) items.push({ href: '/commission', key: 'nav.commission' });
  // O1: the block list for access providers (export and identity access on monitoring items).
  if (meta.mayExportBlockList) items.push({ href: '/block-list', key: 'nav.block_list' });
  // Periodic returns: the data managers who send them and the coordinator's office that approves them.
  if (meta.returnTypes().some((t) => meta.may(t.name, 'submit') || meta.may(t.name, 'approve'))) items.push({ href: '/returns', key: 'nav.returns' });
  // Action plans (P3): the coordinator's office and the bodies' focal points (their own measures).
  if (meta.may('plan_measure', 'read')) items.push({ href: '/plans', key: 'nav.plans' });
  if (meta.may('criminal_case', 'read')) items.push({ href: '/records/criminal_case', key: 'nav.criminal_cases' });
  if (meta.may('subsidy', 'reconcile')) items.push({ href: '/subsidies/reconcile', key: 'nav.reconcile' });
  if (!meta.isAdmin && [...meta.types.keys()].some((t) => meta.may(t, 'create'))) items.push({ href: '/imports', key: 'nav.imports' });
  // Figures: every role that reads the registers nationally without identity, and the police.
  const figures = meta.may('victim_case', 'export');
  if (figures) {
    items.push({ href: '/dashboard', key: 'nav.dashboard' });
    items.push({ href: '/reports/annual', key: 'nav.report' });
  }
  // International returns (S3): exact figures, for those who may read them (coordinator, statistician).
  if (meta.mayExactStatistics) items.push({ href: '/reports/international', key: 'nav.intl_returns' });
  if (meta.isAdmin) {
    items.push({ href: '/admin/agencies', key: 'nav.agencies' });
    items.push({ href: '/admin/users', key: 'nav.users' });
    items.push({ href: '/admin/audit', key: 'nav.audit' });
  }
  if (offlineTypes.length > 0) items.push({ href: '/devices', key: 'nav.devices' });
  items.push({ href: '/tokens', key: 'nav.tokens' });
  return items;
}

/** A link of the navigation started without a connection: a page, or a new record of a type kept offline. */
export interface OfflineNavItem {
  href: string;
  key?: MessageKey;
  /** A new record of this type (its label is the schema's). */
  type?: string;
}

/**
 * The navigation without a connection (docs/offline.md): only what needs no server — the new
 * record forms of the types kept on the device that the user may create, the sync page, the device.
 */
export function offlineNavItems(meta: Meta, offlineTypes: readonly string[]): OfflineNavItem[] {
  const items: OfflineNavItem[] = [{ href: '/', key: 'nav.home' }];
  for (const type of offlineTypes) if (meta.type(type) && meta.may(type, 'create')) items.push({ href: `/records/${type}/new`, type });
  items.push({ href: '/sync', key: 'nav.sync' });
  items.push({ href: '/devices', key: 'nav.devices' });
  return items;
}
