import type { Child } from 'hono/jsx';
import { deletedUserWorkspace } from '../../db/workspaces.ts';
import { UtcTime } from '../utc-time.tsx';

export interface UserView {
  id: number;
  username: string;
  role: 'admin' | 'user';
  createdAt: Date;
  disabledAt: Date | null;
}

export interface Viewer {
  id: number;
  role: 'admin' | 'user';
}

/**
 * One action as a plain form (works without JS) that htmx sends in place:
 * the answer replaces the row, or `delete` removes it; the result message
 * arrives out of band in `#messages`.
 */
function RowAction(props: {
  user: UserView;
  action: string;
  label: string;
  confirm?: string;
  remove?: boolean;
  /** Muted, or red for what cannot be undone. */
  tone?: 'secondary' | 'danger';
  children?: Child;
}) {
  const url = `/users/${props.user.id}/${props.action}`;
  return (
    <form
      method="post"
      action={url}
      class="inline"
      hx-post={url}
      hx-target="closest tr"
      hx-swap={props.remove ? 'delete' : 'outerHTML'}
      hx-confirm={props.confirm}
    >
      {props.children}
      <button type="submit" class={props.tone} data-action={props.action}>
        {props.label}
      </button>
    </form>
  );
}

function AdminActions({ user, viewer }: { user: UserView; viewer: Viewer }) {
  const self = user.id === viewer.id;
  return (
    <td>
      <div class="row-actions">
        {user.role === 'user' ? (
          <RowAction user={user} action="promote" label="Make admin" />
        ) : (
          <RowAction
            user={user}
            action="demote"
            label="Make user"
            tone="secondary"
            confirm={self ? 'Remove your own administrator role? You will lose access to this page.' : undefined}
          />
        )}
        {!self &&
          (user.disabledAt ? (
            <RowAction user={user} action="enable" label="Enable" />
          ) : (
            <RowAction
              user={user}
              action="disable"
              label="Disable"
              tone="secondary"
              confirm={`Disable ${user.username}? Their sessions end at once and they cannot log in until enabled again.`}
            />
          ))}
        {!self && (
          <RowAction
            user={user}
            action="delete"
            label="Delete"
            tone="danger"
            remove
            confirm={`Delete ${user.username}? Their sessions end. Their private containers and images stay, moved to the workspace "${deletedUserWorkspace(user.username)}", which only administrators see.`}
          />
        )}
        <details>
          <summary>Reset password</summary>
          <RowAction user={user} action="reset-password" label="Set password">
            <input
              type="password"
              name="password"
              autocomplete="new-password"
              required
              minlength={8}
              aria-label={`New password for ${user.username}`}
            />
          </RowAction>
        </details>
      </div>
    </td>
  );
}

export function UserRow({ user, viewer }: { user: UserView; viewer: Viewer }) {
  const admin = viewer.role === 'admin';
  return (
    <tr id={`user-${user.id}`}>
      <td>{user.id}</td>
      <td>
        <a href={`/audit?user=${encodeURIComponent(user.username)}`} title={`Audit records of ${user.username}`}>
          {user.username}
        </a>
      </td>
      <td>{user.role}</td>
      <td>
        <UtcTime at={user.createdAt} />
      </td>
      {admin && <td>{user.disabledAt ? 'disabled' : 'active'}</td>}
      {admin && <AdminActions user={user} viewer={viewer} />}
    </tr>
  );
}

/** The home page's user table: an admin sees everyone and can manage them, a user sees only self. */
export function UserTable({ users, viewer }: { users: UserView[]; viewer: Viewer }) {
  const admin = viewer.role === 'admin';
  return (
    <div class="table-scroll">
      <table id="users">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Registered at</th>
            {admin && <th scope="col">Status</th>}
            {admin && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <UserRow user={user} viewer={viewer} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
