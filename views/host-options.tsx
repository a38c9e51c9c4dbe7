/** The `<option>`s of a host picker, the selected host marked. */
export function HostOptions({ names, selected }: { names: string[]; selected: string | null }) {
  return (
    <>
      {names.map((name) => (
        <option value={name} selected={name === selected}>
          {name}
        </option>
      ))}
    </>
  );
}
