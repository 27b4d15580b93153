// A job's artifacts: size, checksum, expiry and a download link.
import { formatBytes } from '@/server/contracts/format-bytes';

type Artifact = {
  id: string;
  name: string;
  sizeBytes: number;
  sha256: string;
  expiresAt: Date | null;
  expired: boolean;
  url: string | null;
};

export function ArtifactsTable({ artifacts }: { artifacts: Artifact[] }) {
  return (
    <div className="table-scroll">
      <table className="table artifacts">
        <caption>Artifacts</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Size</th>
            <th scope="col">sha256</th>
            <th scope="col">Expires</th>
            <th scope="col">Download</th>
          </tr>
        </thead>
        <tbody>
          {artifacts.map((a) => (
            <tr key={a.id}>
              <td>{a.name}</td>
              <td>{formatBytes(a.sizeBytes)}</td>
              <td>
                <code title={a.sha256}>{a.sha256.slice(0, 12)}…</code>
              </td>
              <td>{a.expired ? 'expired' : (a.expiresAt?.toLocaleDateString() ?? 'never')}</td>
              <td>{a.url ? <a href={a.url}>{a.name}.tar.gz</a> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
