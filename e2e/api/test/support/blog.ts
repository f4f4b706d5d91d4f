import type { ArticleListItem, ArticleView, CommentView, ProfileView } from '@capstone/contracts';
import type { ApiClient } from './stack.js';

export type ArticleBody = { article: ArticleView };
export type ArticleListBody = { articles: ArticleListItem[]; articlesCount: number };
export type CommentBody = { comment: CommentView };
export type CommentsBody = { comments: CommentView[] };
export type ProfileBody = { profile: ProfileView };

let sequence = 0;

export async function writeArticle(
  api: ApiClient,
  token: string,
  fields: Partial<{ title: string; description: string; body: string; tagList: string[] }> = {},
): Promise<ArticleView> {
  sequence += 1;
  const response = await api.request<ArticleBody>('POST', '/api/articles', {
    token,
    body: {
      article: {
        title: `Article ${sequence}`,
        description: `About article ${sequence}`,
        body: `The body of article ${sequence}`,
        ...fields,
      },
    },
  });
  if (response.status !== 201)
    throw new Error(`write failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.article;
}
