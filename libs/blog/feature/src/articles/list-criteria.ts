export interface Page {
  readonly limit: number;
  readonly offset: number;
}

/** Which articles a list shows; every given criterion must hold. */
export interface ArticleCriteria {
  readonly tag?: string;
  /** Username of the author. */
  readonly author?: string;
  /** Username of someone who favorited the article. */
  readonly favorited?: string;
  /** Full-text search, ranked by relevance. */
  readonly q?: string;
  /** User id of a reader: only articles by authors they follow (the feed). */
  readonly followedBy?: string;
}
