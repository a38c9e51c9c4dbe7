import type { ImageSummary } from '../../agent/protocol/messages.ts';
import { shortId } from '../format.ts';
import { HostOptions } from '../host-options.tsx';

export interface ImageChoice {
  id: string;
  tags: string[];
}

export function toImageChoice(image: ImageSummary): ImageChoice {
  return { id: image.id, tags: image.repoTags };
}

/** The image `<option>`s for one host: the images the user can see there. */
export function ImageOptions({ images }: { images: ImageChoice[] }) {
  if (images.length === 0) return <option value="">No images you can use on this host</option>;
  return (
    <>
      {images.map((image) => (
        <option value={image.id}>{image.tags.length ? `${image.tags.join(', ')} (${shortId(image.id)})` : shortId(image.id)}</option>
      ))}
    </>
  );
}

export interface CreateContainerFormProps {
  hostNames: string[];
  selectedHost: string | null;
  /** The images for `selectedHost`. */
  images: ImageChoice[];
}

/**
 * The create form. Choosing another host reloads the image list for it; the
 * new container's row is put at the top of the table.
 */
export function CreateContainerForm({ hostNames, selectedHost, images }: CreateContainerFormProps) {
  return (
    <details>
      <summary>Create a container</summary>
      <form hx-post="/containers" hx-target="#container-rows" hx-swap="afterbegin">
        <label>
          Host
          <select name="host" required hx-get="/containers/image-options" hx-include="this" hx-target="#create-image" hx-swap="innerHTML">
            <HostOptions names={hostNames} selected={selectedHost} />
          </select>
        </label>
        <label>
          Image
          <select id="create-image" name="image" required>
            <ImageOptions images={images} />
          </select>
        </label>
        <label>
          Command <small>(optional; shell-style quoting, e.g. sh -c "echo 'a b'")</small>
          <input name="command" autocomplete="off" spellcheck={false} />
        </label>
        <label>
          Name <small>(optional)</small>
          <input name="name" autocomplete="off" pattern="[a-zA-Z0-9][a-zA-Z0-9_.\-]+" />
        </label>
        <label>
          Environment <small>(KEY=value, one per line)</small>
          <textarea name="env" rows={3} spellcheck={false}></textarea>
        </label>
        <label>
          Ports <small>(one per line: 8080:80, 127.0.0.1:8080:80/tcp, 53/udp)</small>
          <textarea name="ports" rows={2} spellcheck={false}></textarea>
        </label>
        <label>
          Restart policy <small>(no, on-failure[:N], always, unless-stopped)</small>
          <input name="restart" list="restart-policies" value="no" autocomplete="off" />
          <datalist id="restart-policies">
            <option value="no"></option>
            <option value="on-failure"></option>
            <option value="on-failure:3"></option>
            <option value="always"></option>
            <option value="unless-stopped"></option>
          </datalist>
        </label>
        <label>
          <input type="checkbox" name="start" value="1" checked />
          Start it now
        </label>
        <button type="submit">Create</button>
      </form>
    </details>
  );
}
