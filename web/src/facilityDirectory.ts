// The facility directory (pure; unit-tested). A role has one scope for all its types, so a case
// worker (scope "assigned") reads only the facilities their agency registered or was given: the
// occupancy board and the facility pickers come back empty until an administrator also gives
// them the `facility_directory` role (national, facilities only; schema/roles). An empty answer
// then says so, to whoever holds neither that role nor another that reads facilities nationally.
import type { Meta } from './meta';

export const FACILITY_TYPE = 'facility';
export const FACILITY_DIRECTORY_ROLE = 'facility_directory';

/** Whether an empty facility list or search should say that the facility directory role is missing. */
export function facilityDirectoryHint(meta: Pick<Meta, 'hasRole' | 'readsNationally'>, empty: boolean): boolean {
  return empty && !meta.hasRole(FACILITY_DIRECTORY_ROLE) && !meta.readsNationally(FACILITY_TYPE);
}
