import { defineModule } from '../../platform/module-host/define-module';
import './catalog.events';
import { CatalogModule } from './catalog.module';

export const catalogModule = defineModule({
  id: 'catalog',
  module: CatalogModule,
  tables: ['products', 'plans', 'plan_upgrades'],
  nav: [{ label: 'Catalog', href: '/admin/catalog', icon: 'package', roles: ['operator'] }],
  audit: {
    'product.created': 'Product added to the catalog',
    'product.updated': 'Product changed',
    'plan.created': 'Plan added',
    'plan.upgrade_added': 'Upgrade path added',
    'plan.upgrade_removed': 'Upgrade path removed',
  },
  events: {
    'product.agent_version_changed':
      "A product's current agent version changed (devices on older agents become at risk).",
  },
});
