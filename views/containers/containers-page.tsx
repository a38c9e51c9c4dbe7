import { HostFilter } from '../host-filter.tsx';
import { Layout, type PageUser } from '../layout.tsx';
import { Notice } from '../notice.tsx';
import { ContainerRow, type ContainerRowProps } from './container-row.tsx';
import { CreateContainerForm, type CreateContainerFormProps } from './create-container-form.tsx';

export interface ContainersPageProps {
  user: PageUser;
  hostNames: string[];
  /** The `?host=` filter, if any. */
  hostFilter: string | null;
  rows: ContainerRowProps[];
  /** One sentence per host that did not answer. */
  unreachable: string[];
  createForm: CreateContainerFormProps;
}

/** Every container the user can see, on every host (or the filtered one). */
export function ContainersPage({ user, hostNames, hostFilter, rows, unreachable, createForm }: ContainersPageProps) {
  return (
    <Layout title="Containers" user={user}>
      <h1>Containers</h1>
      {unreachable.map((message) => (
        <Notice kind="error" message={message} />
      ))}
      <HostFilter action="/containers" hostNames={hostNames} selected={hostFilter} />
      <CreateContainerForm {...createForm} />
      <div class="table-scroll">
        <table class="containers">
          <thead>
            <tr>
              <th>ID</th>
              <th>Name</th>
              <th>Image</th>
              <th>Command</th>
              <th>Created</th>
              <th>Status</th>
              <th>Ports</th>
              <th>Workspace</th>
              <th>Host</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody id="container-rows">
            {rows.map((row) => (
              <ContainerRow {...row} />
            ))}
            {/* Hidden by CSS as soon as a row is added beside it. */}
            <tr class="empty-row">
              <td colspan={10}>No containers you can see{hostFilter ? ` on ${hostFilter}` : ''}.</td>
            </tr>
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
