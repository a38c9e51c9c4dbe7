import { Layout, type PageUser } from './layout.tsx';
import { Notice } from './notice.tsx';

export interface ErrorPageProps {
  status: number;
  message: string;
  requestId: string;
  user: PageUser | null;
}

export function ErrorPage({ status, message, requestId, user }: ErrorPageProps) {
  return (
    <Layout title={`Error ${status}`} user={user}>
      <h1>{status === 404 ? 'Not found' : status === 403 ? 'Not allowed' : 'Something went wrong'}</h1>
      <Notice kind="error" message={message} requestId={requestId} />
      <p>
        <a href="/">Back to the home page</a>
      </p>
    </Layout>
  );
}
