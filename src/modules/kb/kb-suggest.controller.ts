import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '../../common/http/decorators';
import { KbService, stripMarkers } from './kb.service';

/**
 * Suggested articles while a member types (the ticket form): published public
 * articles matching any word typed, best first, as JSON.
 */
@Controller('kb')
@Roles('admin', 'member')
export class KbSuggestController {
  constructor(private readonly kb: KbService) {}

  @Get('suggest')
  async suggest(@Query('q') q: unknown): Promise<{ title: string; slug: string; snippet: string }[]> {
    const text = typeof q === 'string' ? q.slice(0, 200) : '';
    const hits = await this.kb.suggest(text);
    // The snippet is plain text (the JSON's reader escapes it): the match marks are removed.
    return hits.map((hit) => ({
      title: hit.title,
      slug: hit.slug,
      snippet: stripMarkers(hit.snippet),
    }));
  }
}
