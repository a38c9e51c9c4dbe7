import type { ImageSummary } from '../../agent/protocol/messages.ts';
import { formatBytes } from '../format-bytes.ts';
import { shortId } from '../format.ts';
import { UtcTime } from '../utc-time.tsx';

export interface ImageRowProps {
  hostName: string;
  image: ImageSummary;
  workspace: string;
}

/** `/images/:host/:id` with each segment encoded. */
export function imageHref(hostName: string, id: string, suffix = ''): string {
  return `/images/${encodeURIComponent(hostName)}/${encodeURIComponent(id)}${suffix}`;
}

/** The containers page's create form, with this image chosen. */
export function createContainerHref(hostName: string, id: string): string {
  return `/containers?${new URLSearchParams({ create: '1', host: hostName, image: id })}`;
}

/**
 * One image as a table row. Actions are htmx forms that swap this row for
 * the server's new version of it, or for nothing once the image is gone; the
 * result lands in the page's message area.
 */
export function ImageRow({ hostName, image, workspace }: ImageRowProps) {
  const label = image.repoTags[0] ?? shortId(image.id);
  return (
    <tr data-image-id={image.id}>
      <td>
        {image.repoTags.length === 0 && <em>untagged</em>}
        <ul class="tags">
          {image.repoTags.map((tag) => (
            <li>
              {tag}{' '}
              <form
                class="inline"
                hx-delete={imageHref(hostName, image.id, '/tags')}
                hx-target="closest tr"
                hx-swap="outerHTML"
                hx-confirm={`Remove the tag ${tag}? The image goes too if this is its last name and no container uses it.`}
              >
                <input type="hidden" name="tag" value={tag} />
                <button type="submit" class="danger" aria-label={`Remove the tag ${tag}`}>
                  ×
                </button>
              </form>
            </li>
          ))}
        </ul>
      </td>
      <td>
        <code title={image.id}>{shortId(image.id)}</code>
      </td>
      <td>
        <UtcTime at={new Date(image.created * 1000)} />
      </td>
      <td>{formatBytes(image.size)}</td>
      <td>{workspace}</td>
      <td>{hostName}</td>
      <td class="actions">
        <a href={createContainerHref(hostName, image.id)}>Create container</a>
        <details>
          <summary>Add tag</summary>
          <form hx-post={imageHref(hostName, image.id, '/tags')} hx-target="closest tr" hx-swap="outerHTML">
            <input name="tag" required placeholder="repository:tag" aria-label={`New tag for ${label}`} />
            <button type="submit">Add tag</button>
          </form>
        </details>
        <details>
          <summary>Remove</summary>
          <form
            hx-delete={imageHref(hostName, image.id)}
            hx-target="closest tr"
            hx-swap="delete"
            hx-confirm={`Remove the image ${label} with the options chosen?`}
          >
            <label>
              <input type="checkbox" name="force" value="1" /> Force (even if a stopped container uses it, and all its tags)
            </label>
            <label>
              <input type="checkbox" name="prune" value="1" checked /> Also remove untagged parents
            </label>
            <button type="submit" class="danger">
              Remove image
            </button>
          </form>
        </details>
      </td>
    </tr>
  );
}
