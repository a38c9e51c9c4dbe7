import type { PullView } from '../../functions/images/pull-view.ts';
import { HostFilter } from '../host-filter.tsx';
import { HostOptions } from '../host-options.tsx';
import { Layout, type PageUser } from '../layout.tsx';
import { Notice } from '../notice.tsx';
import { ImageRow, type ImageRowProps } from './image-row.tsx';
import { PullPanel } from './pull-panel.tsx';

export interface ImagesPageProps {
  user: PageUser;
  hostNames: string[];
  /** The `?host=` filter, if any. */
  hostFilter: string | null;
  rows: ImageRowProps[];
  /** Pulls still running that this user may watch. */
  pulls: PullView[];
  /** One sentence per host that did not answer. */
  unreachable: string[];
}

/** Every image the user can see, on every host (or the filtered one), with the pull form and running pulls. */
export function ImagesPage({ user, hostNames, hostFilter, rows, pulls, unreachable }: ImagesPageProps) {
  const listHref = hostFilter ? `/images?${new URLSearchParams({ host: hostFilter })}` : '/images';
  return (
    <Layout title="Images" user={user}>
      <h1>Images</h1>
      {unreachable.map((message) => (
        <Notice kind="error" message={message} />
      ))}
      <HostFilter action="/images" hostNames={hostNames} selected={hostFilter} />
      <details open={hostNames.length > 0}>
        <summary>Pull an image</summary>
        <form hx-post="/images/pull" hx-target="#pulls" hx-swap="afterbegin" class="pull-form">
          <label>
            Host
            <select name="host" required>
              <HostOptions names={hostNames} selected={hostFilter} />
            </select>
          </label>
          <label>
            Reference
            <input name="reference" required placeholder="registry:5000/team/app:1.0 or name@sha256:…" autocomplete="off" />
          </label>
          <button type="submit">Pull</button>
        </form>
      </details>
      <section id="pulls" aria-label="Pulls">
        {pulls.map((view) => (
          <PullPanel view={view} />
        ))}
      </section>
      {/* Reloaded in place when a pull on this page finishes (its stream sends `pulled`). */}
      <section id="image-list" hx-get={listHref} hx-select="#image-list" hx-target="this" hx-swap="outerHTML" hx-trigger="pulled from:body">
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th>Repository:tag</th>
                <th>ID</th>
                <th>Created</th>
                <th>Size</th>
                <th>Workspace</th>
                <th>Host</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody id="image-rows">
              {rows.map((row) => (
                <ImageRow {...row} />
              ))}
            </tbody>
          </table>
        </div>
        {rows.length === 0 && <p>No images you can see{hostFilter ? ` on ${hostFilter}` : ''}.</p>}
      </section>
    </Layout>
  );
}
