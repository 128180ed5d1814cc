import { Injectable } from '@nestjs/common';

/**
 * Another way to find a person from the helpdesk search box, answered by the
 * module that knows it (e.g. licenses: a product key names its holder). A
 * finder returns the ids of the people `query` names exactly (at most a few),
 * or none; they are shown above the name and address matches with `label`.
 */
export interface PersonFinder {
  /** What the match was found by, shown beside it ("Product key"). */
  readonly label: string;
  find(query: string): Promise<string[]>;
}

/**
 * The hook for other ways to find a person. A module that can name people
 * from a search text imports HelpdeskModule and registers its finder once,
 * e.g. in `onModuleInit() { finders.register(this) }`. Name and address
 * search is the people module's and needs no finder.
 */
@Injectable()
export class PersonFinders {
  private readonly finders: PersonFinder[] = [];

  register(finder: PersonFinder): void {
    this.finders.push(finder);
  }

  /** Every finder's answer (person id and label), the first one to name a person winning. */
  async find(query: string): Promise<{ personId: string; foundBy: string }[]> {
    const found = new Map<string, string>();
    for (const finder of this.finders) {
      for (const personId of await finder.find(query)) if (!found.has(personId)) found.set(personId, finder.label);
    }
    return [...found].map(([personId, foundBy]) => ({ personId, foundBy }));
  }
}
