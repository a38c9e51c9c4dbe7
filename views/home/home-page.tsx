import { Layout, type PageUser } from '../layout.tsx';
import { Notice, type NoticeKind } from '../notice.tsx';
import { UserTable, type UserView, type Viewer } from './user-table.tsx';

export interface HomePageProps {
  user: PageUser & Viewer;
  users: UserView[];
  notice?: { kind: NoticeKind; message: string };
}

export function HomePage({ user, users, notice }: HomePageProps) {
  const admin = user.role === 'admin';
  return (
    <Layout title="Home" user={user}>
      <h1>Berth</h1>
      {notice && <Notice kind={notice.kind} message={notice.message} />}
      <h2>{admin ? 'Users' : 'Your account'}</h2>
      {admin && (
        <p>
          Deleting a user ends their sessions; their private containers and images stay, in a workspace named{' '}
          <code>{'deleted:<username>'}</code> that only administrators see.
        </p>
      )}
      <UserTable users={users} viewer={user} />
    </Layout>
  );
}
