import type { PostDto } from '../../../shared/api.js';
import { formatDateTime } from '../format.js';
import { ServiceIcon } from './ServiceIcon.js';
import { Snippet } from './Snippet.js';

export function PostItem({ post }: { post: PostDto }) {
  return (
    <li className="post">
      <div className="post-head">
        <ServiceIcon service={post.service} label={post.service} />
        <span className="post-poster">{post.poster?.name ?? post.poster?.externalId ?? 'unknown'}</span>
        {post.direct && <span className="badge">direct</span>}
        {post.tombstone && <span className="badge">deleted</span>}
        <time dateTime={post.when ?? undefined} className="muted">
          {formatDateTime(post.when)}
        </time>
      </div>
      <p className="post-text">{post.snippet !== undefined ? <Snippet text={post.snippet} /> : (post.text ?? '(no text)')}</p>
    </li>
  );
}
