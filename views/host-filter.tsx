import { HostOptions } from './host-options.tsx';

/** The `?host=` filter above a list of every host's resources: all hosts, or one. */
export function HostFilter({ action, hostNames, selected }: { action: string; hostNames: string[]; selected: string | null }) {
  return (
    <form method="get" action={action} class="filter">
      <label>
        Host
        <select name="host">
          <option value="">All hosts</option>
          <HostOptions names={hostNames} selected={selected} />
        </select>
      </label>
      <button type="submit">Show</button>
    </form>
  );
}
