import { defineModule } from '../../platform/module-host/define-module';
import { KbModule } from './kb.module';

export const kbModule = defineModule({
  id: 'kb',
  module: KbModule,
  // kb_search: the FTS5 word index of the articles' titles and bodies (external content, kept by triggers);
  // kb_title_search: the same of the titles alone.
  // kb_votes: one "was this helpful?" answer per article and visitor; the counts on kb_articles by trigger.
  tables: ['kb_articles', 'kb_revisions', 'kb_votes', 'kb_search', 'kb_title_search'],
  nav: [
    { label: 'Help', href: '/kb', icon: 'help', roles: ['admin', 'member'] },
    { label: 'Knowledge base', href: '/admin/kb', icon: 'book', roles: ['helpdesk', 'operator'] },
  ],
  audit: {
    'kb.article_created': 'Knowledge-base article created',
    'kb.article_updated': 'Knowledge-base article updated',
    'kb.article_published': 'Knowledge-base article published',
  },
});
