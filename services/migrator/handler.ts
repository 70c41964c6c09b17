// migrator: not built yet (its issue is open); see shared/labourer/unavailable.ts.
import { unavailableLabourer } from '../../shared/labourer/unavailable.js';

export const handler = unavailableLabourer('migrator');
